/**
 * Index URLs that are safe to put in a notebook cell. A `%pip` or `!` line is
 * expanded by IPython (`{expr}`, `$name`) and then handed to a shell, so the
 * URL is parsed as a URL, limited to URL-safe characters that neither of them
 * interprets inside single quotes, and quoted.
 */
import { msg, type IMessage } from '../report/message';

/**
 * The characters an index URL may hold: RFC 3986 unreserved and the
 * delimiters a URL needs (`: / ? [ ] @ & + , =`) plus `%` escapes. Left out:
 * `{ } $` (IPython), `' " \` ; | ( ) * ! # < > ^` and spaces (shells), which
 * a URL can carry percent-encoded instead.
 */
export const URL_SAFE = /^[A-Za-z0-9._~:/?[\]@&+,=%-]+$/;

/** The same rule as the settings schema's pattern (schema/plugin.json). */
export const SCHEMA_PATTERN =
  '^(https?|file)://([A-Za-z0-9._~:/?\\[\\]@&+,=-]|%[0-9A-Fa-f]{2})+$';

/** An index URL that passed {@link checkIndexUrl}, or why it did not. */
export type IndexUrlCheck =
  { ok: true; url: string } | { ok: false; why: IMessage };

/** Whether `text` is an http, https or file URL made only of safe characters. */
export function checkIndexUrl(text: string): IndexUrlCheck {
  const bad = [...new Set(text.replace(/[A-Za-z0-9._~:/?[\]@&+,=%-]/g, ''))];
  if (bad.length) {
    return {
      ok: false,
      why: msg(
        'it contains %1, which a notebook cell would expand or a shell would interpret (percent-encode it)',
        bad.map(c => (c === ' ' ? 'a space' : c)).join(' ')
      )
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, why: msg('it is not a URL') };
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    return { ok: false, why: msg('it is not an http, https or file URL') };
  }
  if (url.protocol !== 'file:' && !url.hostname) {
    return { ok: false, why: msg('it has no host') };
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) {
    return {
      ok: false,
      why: msg('it has a % that is not an escape such as %20')
    };
  }
  return { ok: true, url: text };
}

/**
 * `base` with `segment` appended to its path, its query kept after it:
 * https://m/whl?a=1 and cu130 give https://m/whl/cu130?a=1.
 */
export function joinIndex(base: string, segment: string): string {
  const q = base.indexOf('?');
  const path = (q < 0 ? base : base.slice(0, q)).replace(/\/+$/, '');
  return `${path}/${segment}${q < 0 ? '' : base.slice(q)}`;
}

/**
 * One shell word: as is when plain, else in single quotes. Callers pass only
 * URL-safe text (no quote, `$`, `{`), so the quotes cannot be broken out of.
 */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text}'`;
}
