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
  readonly args: readonly MessageArg[];
}

/**
 * One argument: plain text (kernel-provided values, versions), a number, a
 * phrase that is itself translated, or a list of phrases (read as their
 * texts joined by "; ").
 */
export type MessageArg = string | number | IMessage | readonly IMessage[];

/**
 * Make a message. Write the template as a literal at the call site, so that
 * string extraction finds it: `msg('The index %1 did not answer.', url)`.
 */
export function msg(id: string, ...args: MessageArg[]): IMessage {
  return { id, args };
}

/** Anything that can translate: ITranslator's TranslationBundle fits. */
export interface ITranslate {
  __(id: string, ...args: any[]): string;
}

/** Whether a value is a message (and not plain text or a list). */
export function isMessage(value: unknown): value is IMessage {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as IMessage).id === 'string' &&
    Array.isArray((value as IMessage).args)
  );
}

function text(arg: MessageArg, each: (m: IMessage) => string): string | number {
  if (Array.isArray(arg)) {
    return (arg as readonly IMessage[]).map(each).join('; ');
  }
  return isMessage(arg) ? each(arg) : (arg as string | number);
}

/** Translate a message, its phrase arguments too (English when no catalog has it). */
export function tr(trans: ITranslate, m: IMessage): string {
  const each = (x: IMessage): string => tr(trans, x);
  return trans.__(m.id, ...m.args.map(a => text(a, each)));
}

/** The English text of a message, for logs, reports and tests. */
export function english(m: IMessage): string {
  return m.id.replace(/%(\d+)/g, (all, n) => {
    const arg = m.args[Number(n) - 1];
    return arg === undefined ? all : String(text(arg, english));
  });
}
