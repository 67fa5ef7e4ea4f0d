import type { Kernel } from '@jupyterlab/services';

import { checkReport } from '../report/check';
import { msg } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import { buildProbeCode, PROBE_MIME, type IProbeArgs } from './code';
import {
  deadline,
  executeSilent,
  failureMessage,
  TIMEOUT,
  type IDeadline
} from './silent';

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
    return {
      kind: 'dead',
      kernelId,
      message: msg('The kernel is not running.')
    };
  }
  const until = deadline(options.timeoutMs);
  try {
    const info = await Promise.race([kernel.info, until.promise]);
    if (info === TIMEOUT) {
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
    return await Private.execute(kernel, options, until, started, waited);
  } finally {
    until.cancel();
  }
}

namespace Private {
  export async function execute(
    kernel: Kernel.IKernelConnection,
    options: IProbeOptions,
    until: IDeadline,
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
    const r = await executeSilent(kernel, code, PROBE_MIME, until);
    if (r.end === 'timeout') {
      return { kind: 'timeout', kernelId, waitedForBusyKernel: waited };
    }
    if (r.end === 'dead') {
      return {
        kind: 'dead',
        kernelId,
        message: msg('The kernel died or restarted while it was being probed.')
      };
    }
    const failure = failureMessage(r, 'probe');
    if (failure !== null) {
      const kind =
        r.raised || (r.reply as { status?: string } | null)?.status !== 'ok'
          ? 'error'
          : 'invalid';
      return { kind, kernelId, message: failure };
    }
    const check = checkReport(r.payload);
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
}
