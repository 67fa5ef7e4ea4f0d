/**
 * The settings the model reads, and how they come from the Settings Editor.
 * schema/plugin.json is the one source of the defaults: a test reads the
 * schema through {@link readSettings} and compares with DEFAULT_SETTINGS.
 */
import { DEFAULT_ADVICE_SETTINGS } from './advice/defaults';
import { INSTALLER_SETTINGS } from './advice/installer';
import { isManagedPackage } from './report/packages';
import type { IProbeSettings } from './tokens';

/**
 * Defaults for the settings, as the model holds them (milliseconds where
 * the schema says seconds).
 */
export const DEFAULT_SETTINGS: IProbeSettings = {
  ...DEFAULT_ADVICE_SETTINGS,
  liveIndexCheck: true,
  indexCheckTimeoutS: 10,
  probeTimeoutMs: 30_000,
  commandTimeoutS: 3,
  deepTimeoutS: 120,
  autoProbe: true,
  showStatusItem: true,
  showLauncherBadges: true
};

/** Settings that change the advice: a change re-advises every report. */
export const ADVICE_KEYS: readonly (keyof IProbeSettings)[] = [
  'channel',
  'indexBaseUrl',
  'packages',
  'cudaPolicy',
  'allowOlderTorch',
  'installer',
  'liveIndexCheck',
  'indexCheckTimeoutS'
];

/**
 * Settings as the model wants them, from the registry's composite values;
 * invalid values fall back to the defaults (the registry already validated
 * them against the schema).
 */
export function readSettings(c: {
  readonly [key: string]: unknown;
}): IProbeSettings {
  const num = (key: string, fallback: number) => {
    const v = c[key];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
  };
  const bool = (key: string, fallback: boolean) =>
    typeof c[key] === 'boolean' ? (c[key] as boolean) : fallback;
  const pick = <T extends string>(key: string, allowed: T[], fallback: T): T =>
    allowed.includes(c[key] as T) ? (c[key] as T) : fallback;
  const d = DEFAULT_SETTINGS;
  return {
    probeTimeoutMs: num('probeTimeout', d.probeTimeoutMs / 1000) * 1000,
    commandTimeoutS: num('commandTimeout', d.commandTimeoutS),
    deepTimeoutS: num('deepCheckTimeout', d.deepTimeoutS),
    autoProbe: bool('autoProbe', d.autoProbe),
    channel: pick('channel', ['stable', 'nightly'], d.channel),
    // The engine refuses unsafe URLs with a finding (src/advice/url.ts).
    indexBaseUrl:
      typeof c['indexBaseUrl'] === 'string'
        ? (c['indexBaseUrl'] as string)
        : d.indexBaseUrl,
    packages: Array.isArray(c['packages'])
      ? (c['packages'] as unknown[]).filter(isManagedPackage)
      : d.packages,
    cudaPolicy: pick(
      'cudaPolicy',
      ['pytorch-default', 'newest', 'keep'],
      d.cudaPolicy
    ),
    allowOlderTorch: bool('allowOlderTorch', d.allowOlderTorch),
    installer: pick('installer', [...INSTALLER_SETTINGS], d.installer),
    liveIndexCheck: bool('liveIndexCheck', d.liveIndexCheck),
    indexCheckTimeoutS: num('indexCheckTimeout', d.indexCheckTimeoutS),
    showStatusItem: bool('showStatusItem', d.showStatusItem),
    showLauncherBadges: bool('showLauncherBadges', d.showLauncherBadges)
  };
}

/** Whether a settings change affects the advice. */
export function changesAdvice(a: IProbeSettings, b: IProbeSettings): boolean {
  return ADVICE_KEYS.some(k => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
