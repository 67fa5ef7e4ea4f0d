/**
 * The sentence for a protection that pip ignores, apart from the protect
 * flow so that the panel can show it without loading the flow.
 */
import { msg, type IMessage } from '../report/message';

/** Why this kernel's pip ignores the protection, as a sentence. */
export function ignoredBecause(why: string | null): IMessage | null {
  switch (why) {
    case 'PIP_CONFIG_FILE':
      return msg(
        'This kernel’s pip does not read the environment’s config: PIP_CONFIG_FILE points elsewhere (or to nothing).'
      );
    case 'PIP_CONSTRAINT':
      return msg(
        'PIP_CONSTRAINT is set for this kernel: pip uses it instead of the environment’s config.'
      );
    default:
      return null;
  }
}
