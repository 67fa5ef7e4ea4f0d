/**
 * What every Torch Doctor plugin starts with: its translation bundle, and
 * the kernel a command addresses.
 */
import {
  nullTranslator,
  type ITranslator,
  type TranslationBundle
} from '@jupyterlab/translation';

import type { ITorchDoctorModel } from '../tokens';

/** Torch Doctor's translation bundle (English without a translator). */
export function bundleOf(translator: ITranslator | null): TranslationBundle {
  return (translator ?? nullTranslator).load('jupyterlab_torch_doctor');
}

/**
 * The kernel a command acts on: its `kernelId` argument when it is a
 * string, else the selected record's kernel (null for none).
 */
export function kernelOf(
  model: ITorchDoctorModel,
  args: { readonly [key: string]: unknown }
): string | null {
  return typeof args['kernelId'] === 'string'
    ? args['kernelId']
    : model.selected;
}
