import type { Kernel, KernelMessage } from '@jupyterlab/services';

import { msg, type IMessage } from '../report/message';

/** Marker for a deadline that passed. */
export const TIMEOUT = Symbol('timeout');

/**
 * A timer that resolves with TIMEOUT; cancel it when done.
 */
export interface IDeadline {
  promise: Promise<typeof TIMEOUT>;
  cancel(): void;
}

/**
 * Start a deadline of `ms` milliseconds; `signal` ends it early (the caller
 * no longer wants the answer).
 */
export function deadline(ms: number, signal?: AbortSignal): IDeadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => undefined as void;
  const promise = new Promise<typeof TIMEOUT>(resolve => {
    timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, ms));
    onAbort = () => resolve(TIMEOUT);
    if (signal?.aborted) {
      resolve(TIMEOUT);
    }
    signal?.addEventListener('abort', onAbort);
  });
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
}

/**
 * What came back from one silent execute request.
 */
export interface ISilentResult {
  /** How the wait ended. */
  end: 'complete' | 'dead' | 'timeout';
  /** The vendor-MIME payload, if one arrived. */
  payload: unknown;
  /** The execute reply's content, if it arrived. */
  reply: KernelMessage.IExecuteReplyMsg['content'] | null;
  /** "ename: evalue" of an error the code raised. */
  raised: string;
  /** The start of anything written to stderr. */
  stderr: string;
}

const MAX_STDERR = 4000;

/**
 * Run code silently and collect the vendor-MIME display_data it emits.
 *
 * `silent`, no history, no stdin and `stop_on_error: false` keep the user's
 * execution count, history and queued cells untouched. The wait ends on the
 * reply plus the payload (done can hang across a restart), on the kernel
 * dying or restarting, or at the deadline; the request is then abandoned,
 * never interrupted.
 */
export async function executeSilent(
  kernel: Kernel.IKernelConnection,
  code: string,
  mime: string,
  until: IDeadline
): Promise<ISilentResult> {
  const result: ISilentResult = {
    end: 'complete',
    payload: undefined,
    reply: null,
    raised: '',
    stderr: ''
  };
  let settle: (v: 'complete' | 'dead') => void = () => undefined;
  const finished = new Promise<'complete' | 'dead'>(r => (settle = r));
  const maybeComplete = () => {
    if (
      result.reply &&
      (result.payload !== undefined || result.reply.status !== 'ok')
    ) {
      settle('complete');
    }
  };
  const onStatus = (_: Kernel.IKernelConnection, status: Kernel.Status) => {
    if (
      status === 'dead' ||
      status === 'restarting' ||
      status === 'autorestarting'
    ) {
      settle('dead');
    }
  };
  kernel.statusChanged.connect(onStatus);
  const future = kernel.requestExecute(
    {
      code,
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    },
    true
  );
  future.onIOPub = msg => {
    const type = msg.header.msg_type;
    if (type === 'display_data' || type === 'execute_result') {
      const data = (msg.content as KernelMessage.IDisplayDataMsg['content'])
        .data;
      if (data && Object.prototype.hasOwnProperty.call(data, mime)) {
        result.payload = data[mime];
      }
    } else if (type === 'error') {
      const c = msg.content as KernelMessage.IErrorMsg['content'];
      result.raised = `${c.ename}: ${c.evalue}`;
    } else if (type === 'stream') {
      const c = msg.content as KernelMessage.IStreamMsg['content'];
      if (c.name === 'stderr' && result.stderr.length < MAX_STDERR) {
        result.stderr += c.text;
      }
    }
    maybeComplete();
  };
  future.onReply = msg => {
    result.reply = msg.content;
    maybeComplete();
  };
  future.done.then(
    () => settle('complete'),
    () => settle('complete')
  );
  try {
    const end = await Promise.race([finished, until.promise]);
    result.end = end === TIMEOUT ? 'timeout' : end;
  } finally {
    kernel.statusChanged.disconnect(onStatus);
    if (!future.isDisposed) {
      future.dispose();
    }
  }
  return result;
}

/**
 * A message for a request that produced no payload, or null if it did.
 */
export function failureMessage(
  r: ISilentResult,
  what: 'probe' | 'index check' | 'job'
): IMessage | null {
  if (r.payload !== undefined) {
    return null;
  }
  const status = (r.reply as { status?: string } | null)?.status;
  if (status === 'aborted') {
    return msg(
      'The kernel skipped the %1 because an earlier cell failed. Try again.',
      what
    );
  }
  if (r.raised || status === 'error') {
    const reply = r.reply as { ename?: string; evalue?: string } | null;
    const message =
      r.raised || `${reply?.ename ?? 'Error'}: ${reply?.evalue ?? ''}`;
    return msg('The %1 failed in the kernel: %2', what, message);
  }
  const tail = r.stderr.trim().slice(-500);
  return tail
    ? msg('The kernel sent no %1 result. stderr: %2', what, tail)
    : msg('The kernel sent no %1 result.', what);
}
