/**
 * schema/plugin.json is the one source of the default settings: the
 * TypeScript defaults must be what the registry would give from it.
 */
import schema from '../../schema/plugin.json';
import { ADVICE_KEYS, DEFAULT_SETTINGS, readSettings } from '../settings';

const defaults: { [key: string]: unknown } = {};
for (const [key, prop] of Object.entries(schema.properties)) {
  defaults[key] = (prop as { default?: unknown }).default;
}

describe('settings', () => {
  it('every schema property has a default, and they are the TypeScript defaults', () => {
    expect(Object.values(defaults).every(v => v !== undefined)).toBe(true);
    expect(readSettings(defaults)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads every property of the schema, and nothing else', () => {
    // Each schema key changes what readSettings gives when it changes.
    for (const key of Object.keys(defaults)) {
      const changed = { ...defaults };
      const v = defaults[key];
      changed[key] =
        typeof v === 'boolean'
          ? !v
          : typeof v === 'number'
            ? v + 1
            : Array.isArray(v)
              ? v.slice(0, 1)
              : key === 'indexBaseUrl'
                ? 'https://mirror.test/whl'
                : key === 'channel'
                  ? 'nightly'
                  : key === 'installer'
                    ? 'pip'
                    : 'newest';
      expect([key, readSettings(changed)]).not.toEqual([key, DEFAULT_SETTINGS]);
    }
    expect(Object.keys(DEFAULT_SETTINGS)).toHaveLength(
      Object.keys(defaults).length
    );
  });

  it('falls back to the default for an invalid value', () => {
    const s = readSettings({
      ...defaults,
      probeTimeout: -3,
      channel: 'beta',
      packages: ['torch', 'numpy'],
      indexCheckTimeout: 'soon'
    });
    expect(s.probeTimeoutMs).toBe(DEFAULT_SETTINGS.probeTimeoutMs);
    expect(s.channel).toBe('stable');
    expect(s.packages).toEqual(['torch']);
    expect(s.indexCheckTimeoutS).toBe(10);
  });

  it('names the settings that change the advice', () => {
    expect(ADVICE_KEYS).toContain('indexBaseUrl');
    expect(ADVICE_KEYS).not.toContain('showStatusItem');
  });
});
