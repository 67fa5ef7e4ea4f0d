/**
 * A translator that marks what it translated: every sentence comes back as
 * «sentence». Text outside the marks bypassed ITranslator (or is data).
 */
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';

/** Fill %1, %2, … as JupyterLab's gettext does. */
function fill(id: string, args: unknown[]): string {
  return id.replace(/%(\d+)/g, (all, n) => String(args[Number(n) - 1] ?? all));
}

/** The marking bundle. */
export const MARK: TranslationBundle = {
  __: (id: string, ...args: unknown[]) => `«${fill(id, args)}»`,
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    `«${fill(n === 1 ? one : many, [n, ...args])}»`,
  _p: (_ctx: string, id: string, ...args: unknown[]) => `«${fill(id, args)}»`
} as unknown as TranslationBundle;

/** An ITranslator that loads {@link MARK} for any domain. */
export const MARKING_TRANSLATOR = {
  languageCode: 'xx',
  load: () => MARK
} as unknown as ITranslator;

/**
 * The text that no translation covers: marked spans removed, innermost
 * first (a translated phrase can sit inside a translated sentence), and
 * kernel-provided values removed. Separators and marks are dropped too.
 */
export function untranslated(text: string, values: string[] = []): string {
  let rest = text;
  for (let before = ''; before !== rest;) {
    before = rest;
    rest = rest.replace(/«[^«»]*»/g, ' ');
  }
  for (const v of values.filter(Boolean)) {
    rest = rest.split(v).join(' ');
  }
  return rest.replace(/[\s·,;:()→✓⚠✗?+—-]+/g, ' ').trim();
}
