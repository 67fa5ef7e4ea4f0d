/**
 * A sentence for the user, as data: layers below the views return these, and
 * the views translate them through ITranslator. The id is the English text
 * with %1, %2, … for the arguments (JupyterLab's gettext convention), so
 * English stays the default and catalogs can translate every sentence.
 */
export interface IMessage {
  /** The English template, the translation catalogs' msgid. */
  readonly id: string;
  /** Values for %1, %2, …; kernel-provided values stay plain text. */
  readonly args: readonly (string | number)[];
}

/**
 * Make a message. Write the template as a literal at the call site, so that
 * string extraction finds it: `msg('The index %1 did not answer.', url)`.
 */
export function msg(id: string, ...args: (string | number)[]): IMessage {
  return { id, args };
}

/** Anything that can translate: ITranslator's TranslationBundle fits. */
export interface ITranslate {
  __(id: string, ...args: any[]): string;
}

/** Translate a message (English when no catalog has it). */
export function tr(trans: ITranslate, m: IMessage): string {
  return trans.__(m.id, ...m.args);
}

/** The English text of a message, for logs, reports and tests. */
export function english(m: IMessage): string {
  return m.id.replace(/%(\d+)/g, (all, n) =>
    String(m.args[Number(n) - 1] ?? all)
  );
}
