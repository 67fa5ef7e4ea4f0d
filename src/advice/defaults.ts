import { MANAGED_PACKAGES } from '../report/packages';
import type { IAdviceSettings } from './types';

/**
 * The engine's default settings; schema/plugin.json holds the same values.
 * Kept apart from the engine so that the UI can read them without loading
 * the release data.
 */
export const DEFAULT_ADVICE_SETTINGS: IAdviceSettings = {
  channel: 'stable',
  indexBaseUrl: 'https://download.pytorch.org/whl',
  packages: [...MANAGED_PACKAGES],
  cudaPolicy: 'pytorch-default',
  allowOlderTorch: true,
  installer: 'auto'
};
