import type { Kernel } from '@jupyterlab/services';

import { checkReport } from '../report/check';
import { msg } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import {
  buildProbeCode,
  buildRequest,
  PROBE_MIME,
  type IProbeArgs
} from './code';
import { deepFromJob, mergeNvidia, nvidiaDeadline, runJob } from './jobs';
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
 *
 * The quick probe reads files only. When it finds an NVIDIA driver or device,
 * an NVIDIA job (NVML, else nvidia-smi) runs in a subprocess of the kernel's
 * interpreter and its answer is merged into the report; so does the deep
 * check's job when asked. Without a GPU and without `deep`, the probe is one
 * round trip.
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
    const code =
      options.source !== undefined
        ? buildProbeCode({}, options.source)
        : buildRequest('quick', {});
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
    if (
      (options.source === undefined &&
        (await Private.envFacts(kernel, r.payload, until)) === 'dead') ||
      (await Private.runJobs(kernel, options, r.payload, until))
    ) {
      return {
        kind: 'dead',
        kernelId,
        message: msg('The kernel died or restarted while it was being probed.')
      };
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

  /**
   * The second request, right after the quick one (each stays under 12 kB):
   * the interpreter's wheel tags and the CUDA library inventory, merged into
   * the unvalidated report. A failure is one more entry in the report's
   * errors, never the probe's.
   */
  export async function envFacts(
    kernel: Kernel.IKernelConnection,
    payload: any,
    until: IDeadline
  ): Promise<'dead' | undefined> {
    if (typeof payload !== 'object' || payload === null) {
      return undefined;
    }
    const r = await executeSilent(
      kernel,
      buildRequest('env', {}),
      PROBE_MIME,
      until
    );
    if (r.end === 'dead') {
      return 'dead';
    }
    const env = r.payload as {
      tags?: unknown;
      cuda_libs?: unknown;
      errors?: unknown;
    } | null;
    const errors = Array.isArray(payload.errors) ? payload.errors : null;
    if (r.end === 'timeout' || failureMessage(r, 'probe') !== null || !env) {
      errors?.push({
        source: 'environment-facts',
        reason: r.end === 'timeout' ? 'timeout' : 'error',
        detail: 'The wheel tags and the CUDA library inventory gave no answer.'
      });
      return undefined;
    }
    if (typeof payload.python === 'object' && payload.python !== null) {
      payload.python.tags = env.tags ?? null;
    }
    payload.cuda_libs = env.cuda_libs ?? null;
    if (errors && Array.isArray(env.errors)) {
      errors.push(...env.errors);
    }
    return undefined;
  }

  /**
   * The jobs a quick report asks for (NVIDIA) and the deep check if asked,
   * merged into the unvalidated report. True if the kernel died meanwhile.
   */
  export async function runJobs(
    kernel: Kernel.IKernelConnection,
    options: IProbeOptions,
    payload: any,
    until: IDeadline
  ): Promise<boolean> {
    if (typeof payload !== 'object' || payload === null) {
      return false;
    }
    const jobs: Promise<'dead' | undefined>[] = [];
    const nv = payload.nvidia;
    if (nv?.job?.status === 'pending') {
      const cmd = options.cmd_timeout ?? 3;
      const args = {
        needs: Array.isArray(nv.job.needs) ? nv.job.needs : ['nvml'],
        cmd_timeout: cmd,
        nvcc: nv.nvcc?.path ?? null
      };
      jobs.push(
        runJob(kernel, 'nvidia', args, nvidiaDeadline(cmd), until).then(j => {
          mergeNvidia(payload, j);
          return j.end === 'dead' ? 'dead' : undefined;
        })
      );
    }
    if (options.deep) {
      const deadlineS = options.deep_timeout ?? 120;
      jobs.push(
        runJob(kernel, 'deep', {}, deadlineS, until).then(j => {
          payload.deep = deepFromJob(j);
          return j.end === 'dead' ? 'dead' : undefined;
        })
      );
    }
    return (await Promise.all(jobs)).includes('dead');
  }
}
