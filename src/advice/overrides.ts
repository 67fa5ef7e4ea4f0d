/**
 * Install settings outside the cell (environment variables, pip config
 * files) that the probe reports, and what each does to an install cell.
 */
import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';

/** What each install setting the probe reports does to this cell. */
const OVERRIDES: {
  [key: string]: {
    by: 'pip' | 'uv';
    effect: 'replaced' | 'applies' | 'blocks';
  };
} = {
  PIP_INDEX_URL: { by: 'pip', effect: 'replaced' },
  'index-url': { by: 'pip', effect: 'replaced' },
  PIP_EXTRA_INDEX_URL: { by: 'pip', effect: 'applies' },
  'extra-index-url': { by: 'pip', effect: 'applies' },
  PIP_FIND_LINKS: { by: 'pip', effect: 'applies' },
  'find-links': { by: 'pip', effect: 'applies' },
  PIP_NO_INDEX: { by: 'pip', effect: 'blocks' },
  'no-index': { by: 'pip', effect: 'blocks' },
  constraint: { by: 'pip', effect: 'blocks' },
  PIP_CONFIG_FILE: { by: 'pip', effect: 'applies' },
  UV_INDEX_URL: { by: 'uv', effect: 'replaced' },
  UV_DEFAULT_INDEX: { by: 'uv', effect: 'replaced' },
  UV_EXTRA_INDEX_URL: { by: 'uv', effect: 'applies' },
  UV_INDEX: { by: 'uv', effect: 'applies' },
  UV_TORCH_BACKEND: { by: 'uv', effect: 'blocks' }
};

/**
 * The install overrides of the report, explained for this cell: which the
 * cell's --index-url overrides, which still apply, which could stop or
 * change it, and which this installer does not read.
 */
export function overrideWarnings(
  report: IProbeReport,
  index: string | null,
  pip: boolean
): IMessage[] {
  const by = pip ? 'pip' : 'uv';
  const groups: { [g: string]: string[] } = {
    replaced: [],
    applies: [],
    blocks: [],
    ignored: []
  };
  const add = (key: string, label: string) => {
    const o = OVERRIDES[key];
    if (!o) {
      return;
    }
    const group =
      o.by !== by
        ? 'ignored'
        : o.effect === 'replaced' && !index
          ? 'applies'
          : o.effect;
    groups[group].push(label);
  };
  Object.keys(report.install.env).forEach(k => add(k, k));
  report.install.pip_config.forEach(c => add(c.key, `${c.file} ${c.key}`));
  const out: IMessage[] = [];
  if (groups.replaced.length) {
    out.push(
      msg("The cell's --index-url overrides %1.", groups.replaced.join(', '))
    );
  }
  if (groups.applies.length && index) {
    out.push(
      msg(
        '%1 also reads %2; --index-url replaces the main index but not those.',
        by,
        groups.applies.join(', ')
      )
    );
  } else if (groups.applies.length) {
    out.push(msg('%1 also reads %2.', by, groups.applies.join(', ')));
  }
  if (groups.blocks.length) {
    out.push(
      msg(
        '%1 still applies and may stop this install or change what it installs.',
        groups.blocks.join(', ')
      )
    );
  }
  if (groups.ignored.length) {
    out.push(
      msg(
        '%1 is not read by %2, which runs this cell.',
        groups.ignored.join(', '),
        by
      )
    );
  }
  return out;
}
