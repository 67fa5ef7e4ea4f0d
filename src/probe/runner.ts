import type { Kernel, KernelMessage } from '@jupyterlab/services';

import type { IProbeReport } from '../report/types';
import { buildProbeCode, type IProbeArgs } from './code';
import { checkReport, payloadFromMessage } from './parse';

/**
 * What a probe of one kernel came to. Each failure is a state of its own, so
 * the UI can say exactly what happened.
 */
export type ProbeOutcome =
  | {
      kind: 'report';
      kernelId: string;
      report: IProbeReport;
      /** Milliseconds from sending the request to a validated report. */
      roundTripMs: number;
    }
  | { kind: 'not-python'; kernelId: string; language: string }
  | { kind: 'timeout'; kernelId: string; waitedForBusyKernel: boolean }
  | { kind: 'dead'; kernelId: string; message: string }
  | { kind: 'invalid'; kernelId: string; message: string }
  | { kind: 'error'; kernelId: string; message: string };

/**
 * Options for {@link probeKernel}.
 */
export interface IProbeOptions extends IProbeArgs {
  /** Give up after this many milliseconds, counted from the call. */
  timeoutMs: number;
  /** Called once if the kernel is busy, so the probe waits behind user code. */
  onWaiting?: () => void;
  /** Python source to send instead of the embedded probe (tests only). */
  source?: string;
}

/**
 * Run the probe in a kernel through a silent execute request.
 *
 * The request is `silent`, keeps no history, allows no stdin and never stops
 * on error, so the user's execution count, history and queued cells are left
 * alone. On timeout the request is abandoned, never interrupted: a kernel busy
 * with the user's cell runs the probe later and nobody listens.
 */
export async function probeKernel(
  kernel: Kernel.IKernelConnection,
  options: IProbeOptions
): Promise<ProbeOutcome> {
  const kernelId = kernel.id;
  const started = performance.now();
  if (kernel.isDisposed || kernel.status === 'dead') {
    return { kind: 'dead', kernelId, message: 'The kernel is not running.' };
  }
  const deadline = Private.deadline(options.timeoutMs);
  try {
    const info = await Promise.race([kernel.info, deadline.promise]);
    if (info === Private.TIMEOUT) {
      return { kind: 'timeout', kernelId, waitedForBusyKernel: false };
    }
    const language = info.language_info?.name ?? '';
    if (language.toLowerCase() !== 'python') {
      return { kind: 'not-python', kernelId, language: language || 'unknown' };
    }
    const waited = kernel.status === 'busy';
    if (waited) {
      options.onWaiting?.();
    }
    return await Private.execute(kernel, options, deadline, started, waited);
  } finally {
    deadline.cancel();
  }
}

namespace Private {
  export const TIMEOUT = Symbol('timeout');
  const MAX_STDERR = 4000;

  export interface IDeadline {
    promise: Promise<typeof TIMEOUT>;
    cancel(): void;
  }

  export function deadline(ms: number): IDeadline {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<typeof TIMEOUT>(resolve => {
      timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, ms));
    });
    return { promise, cancel: () => clearTimeout(timer) };
  }

  export async function execute(
    kernel: Kernel.IKernelConnection,
    options: IProbeOptions,
    deadline: IDeadline,
    started: number,
    waited: boolean
  ): Promise<ProbeOutcome> {
    const kernelId = kernel.id;
    const code = buildProbeCode(
      {
        deep: options.deep,
        cmd_timeout: options.cmd_timeout,
        deep_timeout: options.deep_timeout
      },
      options.source
    );
    let payload: unknown = undefined;
    let raised = '';
    let stderr = '';
    let reply: KernelMessage.IExecuteReplyMsg['content'] | null = null;
    let settle: (v: 'complete' | 'dead') => void = () => undefined;
    const finished = new Promise<'complete' | 'dead'>(r => (settle = r));
    const maybeComplete = () => {
      // The reply and the display_data travel on different channels; done
      // can hang across a restart, so finish as soon as both are in.
      if (reply && (payload !== undefined || reply.status !== 'ok')) {
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
      const data = payloadFromMessage(msg);
      if (data !== undefined) {
        payload = data;
      } else if (msg.header.msg_type === 'error') {
        const c = msg.content as KernelMessage.IErrorMsg['content'];
        raised = `${c.ename}: ${c.evalue}`;
      } else if (msg.header.msg_type === 'stream') {
        const c = msg.content as KernelMessage.IStreamMsg['content'];
        if (c.name === 'stderr' && stderr.length < MAX_STDERR) {
          stderr += c.text;
        }
      }
      maybeComplete();
    };
    future.onReply = msg => {
      reply = msg.content;
      maybeComplete();
    };
    future.done.then(
      () => settle('complete'),
      () => settle('complete')
    );
    try {
      const end = await Promise.race([finished, deadline.promise]);
      if (end === TIMEOUT) {
        return { kind: 'timeout', kernelId, waitedForBusyKernel: waited };
      }
      if (end === 'dead') {
        return {
          kind: 'dead',
          kernelId,
          message: 'The kernel died or restarted while it was being probed.'
        };
      }
    } finally {
      kernel.statusChanged.disconnect(onStatus);
      if (!future.isDisposed) {
        future.dispose();
      }
    }
    return interpret(kernelId, payload, reply, raised, stderr, started);
  }

  function interpret(
    kernelId: string,
    payload: unknown,
    reply: KernelMessage.IExecuteReplyMsg['content'] | null,
    raised: string,
    stderr: string,
    started: number
  ): ProbeOutcome {
    if (payload !== undefined) {
      const check = checkReport(payload);
      if (!check.ok) {
        return { kind: 'invalid', kernelId, message: check.message };
      }
      return {
        kind: 'report',
        kernelId,
        report: check.report,
        roundTripMs: performance.now() - started
      };
    }
    const status = (reply as { status?: string } | null)?.status;
    if (status === 'aborted') {
      return {
        kind: 'error',
        kernelId,
        message:
          'The kernel skipped the probe because an earlier cell failed. Probe again.'
      };
    }
    if (raised || status === 'error') {
      const r = reply as { ename?: string; evalue?: string } | null;
      const message = raised || `${r?.ename ?? 'Error'}: ${r?.evalue ?? ''}`;
      return {
        kind: 'error',
        kernelId,
        message: `The probe failed in the kernel: ${message}`
      };
    }
    const tail = stderr.trim().slice(-500);
    return {
      kind: 'invalid',
      kernelId,
      message:
        'The kernel sent no probe report.' + (tail ? ` stderr: ${tail}` : '')
    };
  }
}
