/**
 * Index URLs and paths that are safe to put in a notebook cell. A `%pip` or
 * `!` line is expanded by IPython (`{expr}`, `$name`) and then handed to a
 * shell: /bin/sh on POSIX kernels, cmd.exe on Windows kernels, where single
 * quotes do not quote and `%VAR%` (and `!VAR!`) expand even inside double
 * quotes. So a URL is parsed as a URL, limited to URL-safe characters that
 * neither interprets inside the quotes of the kernel's shell, and quoted for
 * that shell. The settings schema holds the rule for every shell; a Windows
 * kernel adds {@link CMD_EXPANDS}.
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

/**
 * The shell a kernel's `%pip` and `!` lines run through: cmd.exe on
 * Windows, /bin/sh elsewhere.
 */
export type Shell = 'posix' | 'cmd';

/** The shell of a kernel, from its report's `platform.system`. */
export function shellOf(report: { platform: { system: string } }): Shell {
  return report.platform.system === 'Windows' ? 'cmd' : 'posix';
}

/**
 * What cmd.exe expands even inside double quotes (`%VAR%`, and `!VAR!` with
 * delayed expansion): refused in a URL or path for a Windows kernel.
 */
export const CMD_EXPANDS = /[%!]/g;

/** An index URL that passed {@link checkIndexUrl}, or why it did not. */
export type IndexUrlCheck =
  { ok: true; url: string } | { ok: false; why: IMessage };

/**
 * Whether `text` is an http, https or file URL made only of characters that
 * are safe in a cell run through `shell` (POSIX by default: the rule the
 * settings schema applies to every kernel).
 */
export function checkIndexUrl(
  text: string,
  shell: Shell = 'posix'
): IndexUrlCheck {
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
  if (shell === 'cmd' && text.match(CMD_EXPANDS)) {
    return {
      ok: false,
      why: msg(
        'it contains %1, which cmd.exe on a Windows kernel expands even in quotes (use a URL without percent-escapes)',
        [...new Set(text.match(CMD_EXPANDS))].join(' ')
      )
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
 * One shell word: as is when plain, else quoted for `shell`: single quotes
 * for /bin/sh, double quotes for cmd.exe (where `& | ^ < >` are then
 * literal). Callers pass only text that passed {@link checkIndexUrl} for
 * that shell (no quote, `$`, `{`; for cmd.exe no `%` or `!`), so the quotes
 * cannot be broken out of.
 */
export function shellWord(text: string, shell: Shell = 'posix'): string {
  if (
    /^[\w@+=:,./-]+$/.test(text) ||
    (shell === 'posix' && /^[\w@%+=:,./-]+$/.test(text))
  ) {
    return text;
  }
  return shell === 'cmd' ? `"${text}"` : `'${text}'`;
}

/**
 * A path as one word of a `!` line for `shell`, or null when it cannot be
 * written safely. IPython expands `{expr}` and `$name` in the line before
 * the shell sees it (its `var_expand`), so `{`, `}` are doubled and a `$`
 * before a name is doubled; the shell's own quoting comes first: double
 * quotes with `\ " $ \`` escaped for /bin/sh, double quotes for cmd.exe
 * (which refuses `"`, `%`, `!`). A path with a single quote and a `$` is
 * refused: IPython leaves a `$name` inside single quotes alone, so its
 * escape would depend on the quotes around it.
 */
export function shellPath(path: string, shell: Shell): string | null {
  if (!path || /[\r\n\0]/.test(path) || (/'/.test(path) && /\$/.test(path))) {
    return null;
  }
  let word: string;
  if (shell === 'cmd') {
    if (/["%!]/.test(path)) {
      return null;
    }
    word = /^[\w@+=:,./\\-]+$/.test(path) ? path : `"${path}"`;
  } else {
    word = /^[\w@%+=:,./-]+$/.test(path)
      ? path
      : `"${path.replace(/(["\\$`])/g, '\\$1')}"`;
  }
  return ipythonEscape(word);
}

/**
 * Text that IPython's `var_expand` gives back unchanged: `{` and `}`
 * doubled, `$` doubled before a name (IPython leaves a `$` before anything
 * else alone, and turns `$$name` into `$name`).
 */
export function ipythonEscape(text: string): string {
  return text.replace(/[{}]/g, c => c + c).replace(/\$(?=[\w.])/g, '$$$$');
}
