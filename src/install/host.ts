/**
 * Where an install runs: the notebook or console of one session, captured
 * when the install starts so it finishes there whatever the user does
 * meanwhile. A notebook cell runs through the notebook's own execution path
 * (NotebookActions.runCells), so execution timing, collaboration state and
 * other extensions see it as any cell.
 */
import type {
  ISessionContext,
  ISessionContextDialogs
} from '@jupyterlab/apputils';
import { CodeCell } from '@jupyterlab/cells';
import type { KernelMessage } from '@jupyterlab/services';
import type { ConsolePanel, IConsoleTracker } from '@jupyterlab/console';
import {
  NotebookActions,
  type INotebookTracker,
  type NotebookPanel
} from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';

import { findCell, insertCell, outputText } from './insert';

/** What running the install cell came to. */
export interface IRunResult {
  /** pip's output, as the cell shows it. */
  text: string;
  /** Whether the cell raised. */
  errored: boolean;
  /** The kernel restarted or was interrupted while pip ran. */
  interrupted: 'restart' | 'interrupt' | null;
}

/**
 * A notebook or console the flow installs into.
 */
export interface IInstallHost {
  readonly kind: 'notebook' | 'console';
  /** The session whose kernel runs the install. */
  readonly session: ISessionContext;
  /** Whether the notebook or console was closed. */
  readonly isDisposed: boolean;
  /** Insert the cell (notebooks); its id, or null (consoles inject on run). */
  insert(
    text: string,
    role?: 'install' | 'protect' | 'unprotect'
  ): string | null;
  /** The cell's current text, or null when it was deleted. */
  source(cellId: string | null, planned: string): string | null;
  /**
   * Run the cell and collect its output; never rejects. `onOutput` gets
   * the cell's output so far while it runs (for the progress bar).
   */
  run(
    cellId: string | null,
    text: string,
    onOutput?: (text: string) => void
  ): Promise<IRunResult>;
}

/** Options for the real hosts. */
export interface IHostOptions {
  notebooks: INotebookTracker | null;
  consoles: IConsoleTracker | null;
  dialogs: ISessionContextDialogs;
  translator: ITranslator;
}

/** The notebook or console showing `session`, or null. */
export function hostFor(
  session: ISessionContext | null,
  o: IHostOptions
): IInstallHost | null {
  if (!session) {
    return null;
  }
  const nb = o.notebooks?.find(w => w.sessionContext === session);
  if (nb) {
    return new NotebookHost(nb, o);
  }
  const cons = o.consoles?.find(w => w.sessionContext === session);
  return cons ? new ConsoleHost(cons) : null;
}

/** How often a running install cell's output is read for its progress. */
const PROGRESS_POLL_MS = 400;

/**
 * Call `onOutput` with `read()` every PROGRESS_POLL_MS while the install
 * runs, when it changed; the returned function stops it. Polling the
 * output model rather than following its signals: stream text appends
 * change a text model that the output list does not signal.
 */
function pollOutput(
  read: () => string | null,
  onOutput?: (text: string) => void
): () => void {
  if (!onOutput) {
    return () => undefined;
  }
  let last = '';
  const timer = setInterval(() => {
    const text = read();
    if (text !== null && text !== last) {
      last = text;
      onOutput(text);
    }
  }, PROGRESS_POLL_MS);
  return () => clearInterval(timer);
}

/**
 * Follow the kernel while `work` runs: a restart or death during it is an
 * interruption, and ends the wait at once. A restart asked for elsewhere
 * (another tab, the REST API) sends no "restarting" and the cell's reply
 * never comes: a message from a new kernel process (`header.session`)
 * gives it away. The connections are released on every path.
 */
export async function watching<T>(
  session: ISessionContext,
  work: () => Promise<T>
): Promise<{ value: T | null; restarted: boolean; error: unknown }> {
  let restarted = false;
  let process: string | null = null;
  let onRestart = () => undefined as void;
  const seen = new Promise<void>(resolve => (onRestart = resolve));
  const restart = () => {
    restarted = true;
    onRestart();
  };
  const onStatus = (_: unknown, status: string) => {
    if (['restarting', 'autorestarting', 'dead'].includes(status)) {
      restart();
    }
  };
  const onIopub = (_: unknown, m: KernelMessage.IMessage) => {
    const id = m.header.session;
    if (process === null) {
      process = id;
    } else if (id && id !== process) {
      restart();
    }
  };
  const onKernel = () => restart();
  session.statusChanged.connect(onStatus);
  session.iopubMessage.connect(onIopub);
  session.kernelChanged.connect(onKernel);
  session.disposed.connect(onKernel);
  try {
    const running = work();
    // Once a restart ends the wait, a late rejection is nobody's business.
    running.catch(() => undefined);
    const value = await Promise.race([running, seen.then(() => null)]);
    return { value, restarted, error: null };
  } catch (error) {
    return { value: null, restarted, error };
  } finally {
    session.statusChanged.disconnect(onStatus);
    session.iopubMessage.disconnect(onIopub);
    session.kernelChanged.disconnect(onKernel);
    session.disposed.disconnect(onKernel);
  }
}

class NotebookHost implements IInstallHost {
  readonly kind = 'notebook';

  constructor(
    private _panel: NotebookPanel,
    private _o: IHostOptions
  ) {}

  get session(): ISessionContext {
    return this._panel.sessionContext;
  }

  get isDisposed(): boolean {
    return this._panel.isDisposed;
  }

  insert(text: string, role?: 'install' | 'protect' | 'unprotect'): string {
    return insertCell(this._panel, text, role);
  }

  source(cellId: string | null): string | null {
    const cell = cellId ? findCell(this._panel, cellId) : null;
    return cell ? cell.model.sharedModel.getSource() : null;
  }

  async run(
    cellId: string | null,
    _text?: string,
    onOutput?: (text: string) => void
  ): Promise<IRunResult> {
    const cell = cellId ? findCell(this._panel, cellId) : null;
    if (!cell) {
      return { text: '', errored: true, interrupted: null };
    }
    const stop = pollOutput(
      () => (cell.isDisposed ? null : outputText(cell).text),
      onOutput
    );
    const notebook = this._panel.content;
    let interrupt = false;
    const onExecuted = (
      _: unknown,
      args: { cell: unknown; error?: { errorName?: string } | null }
    ) => {
      if (args.cell === cell && args.error?.errorName === 'KeyboardInterrupt') {
        interrupt = true;
      }
    };
    NotebookActions.executed.connect(onExecuted);
    const r = await watching(this.session, () =>
      NotebookActions.runCells(
        notebook,
        [cell],
        this.session,
        this._o.dialogs,
        this._o.translator
      )
    ).finally(() => {
      stop();
      NotebookActions.executed.disconnect(onExecuted);
    });
    // The cell keeps pip's output whatever happened: read it from there,
    // unless the user deleted it or closed the notebook meanwhile.
    const out =
      cell.isDisposed || cell.model.isDisposed
        ? { text: '', errored: true }
        : outputText(cell);
    interrupt ||= /KeyboardInterrupt/.test(out.text);
    return {
      text: out.text,
      errored: out.errored || r.value === false || !!r.error,
      interrupted: r.restarted ? 'restart' : interrupt ? 'interrupt' : null
    };
  }
}

class ConsoleHost implements IInstallHost {
  readonly kind = 'console';

  constructor(private _panel: ConsolePanel) {}

  get session(): ISessionContext {
    return this._panel.sessionContext;
  }

  get isDisposed(): boolean {
    return this._panel.isDisposed;
  }

  insert(): null {
    return null;
  }

  source(_: string | null, planned: string): string {
    return planned;
  }

  async run(
    _: string | null,
    text: string,
    onOutput?: (text: string) => void
  ): Promise<IRunResult> {
    const console_ = this._panel.console;
    const tag = `install-${Date.now()}`;
    // The injected cell, not whatever the user ran after it.
    const find = (): CodeCell | null => {
      const cells = [console_.promptCell, ...Array.from(console_.cells)];
      for (let i = cells.length - 1; i >= 0; i--) {
        const c = cells[i];
        const meta = c?.model.getMetadata('torch_doctor') as
          { id?: string } | undefined;
        if (c instanceof CodeCell && meta?.id === tag && !c.model.isDisposed) {
          return c;
        }
      }
      return null;
    };
    const stop = pollOutput(() => {
      const c = find();
      return c ? outputText(c).text : null;
    }, onOutput);
    const r = await watching(this.session, () =>
      console_.inject(text, { torch_doctor: { role: 'install', id: tag } })
    ).finally(stop);
    const cell = find();
    const out = cell
      ? outputText(cell)
      : { text: String(r.error ?? ''), errored: true };
    return {
      text: out.text,
      errored: out.errored || !!r.error,
      interrupted: r.restarted
        ? 'restart'
        : /KeyboardInterrupt/.test(out.text)
          ? 'interrupt'
          : null
    };
  }
}
