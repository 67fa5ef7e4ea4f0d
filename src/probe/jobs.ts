import type { Kernel } from '@jupyterlab/services';

import { english } from '../report/message';
import { buildRequest, JOB_MIME, packedSource } from './code';
import {
  executeSilent,
  failureMessage,
  TIMEOUT,
  type IDeadline
} from './silent';

/** What a job runs (jupyterlab_torch_doctor/probe/{index,nvml,deep}.py). */
export type JobKind = 'index' | 'nvidia' | 'deep';

/**
 * How a job ended, as the kernel's poll reports it (job.py `_finish`), or
 * why the front end stopped waiting.
 */
export interface IJobResult {
  status: 'ok' | 'timeout' | 'crashed' | 'error';
  /** The child's result when status is 'ok'. */
  result: unknown;
  error: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  log_tail: string;
  /** Set when the front end stopped waiting: its own deadline, or the kernel died. */
  end?: 'timeout' | 'dead';
}

/** Poll delays: 50 ms, doubling, at most 500 ms. */
export const POLL_FIRST_MS = 50;
export const POLL_MAX_MS = 500;

/** The NVIDIA job's deadline: NVML, then up to two nvidia-smi runs and nvcc (cli.py nvidia_deadline). */
export function nvidiaDeadline(cmdTimeoutS: number): number {
  return 4 * cmdTimeoutS + 2;
}

function failed(error: string, end?: 'timeout' | 'dead'): IJobResult {
  return {
    status: 'error',
    result: null,
    error,
    duration_ms: null,
    exit_code: null,
    log_tail: '',
    end
  };
}

function isJobReply(p: unknown): p is { status: string; [k: string]: any } {
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof (p as { status?: unknown }).status === 'string'
  );
}

/**
 * Run one job in a subprocess of the kernel's interpreter: a silent request
 * starts it and returns at once, then tiny silent requests poll for its
 * result. The kernel is never held for longer than one start or poll, so the
 * user's cells run in between. The child's own watchdog ends it at
 * `deadlineS`; a poll past the deadline kills it. If `until` passes first, a
 * last poll kills the child and nobody waits for its answer.
 */
export async function runJob(
  kernel: Kernel.IKernelConnection,
  kind: JobKind,
  args: object,
  deadlineS: number,
  until: IDeadline
): Promise<IJobResult> {
  const start = await executeSilent(
    kernel,
    buildRequest('job', {
      op: 'start',
      kind,
      child: packedSource(`${kind}-job`),
      args,
      deadline_s: deadlineS
    }),
    JOB_MIME,
    until
  );
  if (start.end !== 'complete') {
    return failed(`the ${kind} job did not start`, start.end);
  }
  const startFailure = failureMessage(start, 'job');
  if (startFailure !== null) {
    return failed(english(startFailure));
  }
  const handle = start.payload;
  if (!isJobReply(handle) || handle.status !== 'started') {
    return failed(
      isJobReply(handle) && handle.error
        ? String(handle.error)
        : 'malformed job handle'
    );
  }
  const id = String(handle.id);
  let delay = POLL_FIRST_MS;
  for (;;) {
    const slept = await Promise.race([
      new Promise<void>(r => setTimeout(r, delay)),
      until.promise
    ]);
    if (slept === TIMEOUT) {
      Private.abandon(kernel, id);
      return failed(`gave up waiting for the ${kind} job`, 'timeout');
    }
    delay = Math.min(delay * 2, POLL_MAX_MS);
    const poll = await executeSilent(
      kernel,
      buildRequest('job', { op: 'poll', id }),
      JOB_MIME,
      until
    );
    if (poll.end !== 'complete') {
      if (poll.end === 'timeout') {
        Private.abandon(kernel, id);
      }
      return failed(`gave up waiting for the ${kind} job`, poll.end);
    }
    const pollFailure = failureMessage(poll, 'job');
    if (pollFailure !== null) {
      return failed(english(pollFailure));
    }
    const p = poll.payload;
    if (!isJobReply(p)) {
      return failed('malformed job poll reply');
    }
    if (p.status === 'running') {
      continue;
    }
    if (!['ok', 'timeout', 'crashed', 'error'].includes(p.status)) {
      return failed(`unknown job status ${p.status}`);
    }
    return {
      status: p.status as IJobResult['status'],
      result: p.result ?? null,
      error: typeof p.error === 'string' ? p.error : null,
      duration_ms: typeof p.duration_ms === 'number' ? p.duration_ms : null,
      exit_code: typeof p.exit_code === 'number' ? p.exit_code : null,
      log_tail: typeof p.log_tail === 'string' ? p.log_tail : ''
    };
  }
}

/**
 * Merge a finished NVIDIA job into an unvalidated report, as
 * jupyterlab_torch_doctor/probe/nvml.py `merge_nvidia` does. The report is
 * validated afterwards.
 */
export function mergeNvidia(report: any, job: IJobResult): void {
  const nv = report?.nvidia;
  if (typeof nv !== 'object' || nv === null) {
    return;
  }
  const errors: unknown[] = [];
  const res = job.status === 'ok' ? (job.result as any) : null;
  if (typeof res === 'object' && res !== null) {
    if ((Array.isArray(res.gpus) && res.gpus.length) || res.gpu_source) {
      nv.gpus = res.gpus;
      nv.gpu_source = res.gpu_source ?? null;
    }
    if (res.driver && !nv.driver) {
      nv.driver = res.driver;
      nv.driver_source = res.driver_source ?? null;
    }
    if (res.cuda_driver_max) {
      nv.cuda_driver_max = res.cuda_driver_max;
    }
    if (typeof res.smi_warning === 'string' && res.smi_warning) {
      nv.smi_warning = res.smi_warning;
    }
    if (res.nvcc_version && nv.nvcc && typeof nv.nvcc === 'object') {
      nv.nvcc.version = res.nvcc_version;
    }
    if (Array.isArray(res.errors)) {
      errors.push(...res.errors);
    }
  } else {
    errors.push({
      source: 'nvidia-job',
      reason: job.status === 'timeout' ? 'timeout' : 'error',
      detail: String(job.error ?? job.status).slice(0, 300)
    });
  }
  nv.job = {
    status: job.status,
    needs: Array.isArray(nv.job?.needs) ? nv.job.needs : [],
    duration_ms: job.duration_ms
  };
  if (Array.isArray(report.errors)) {
    report.errors.push(...errors);
  }
}

/**
 * report.deep from a finished deep job, as jupyterlab_torch_doctor/probe/deep.py
 * `deep_from_job` does.
 */
export function deepFromJob(job: IJobResult): { [key: string]: unknown } {
  const base = {
    status: job.end === 'timeout' ? 'timeout' : job.status,
    duration_ms: job.duration_ms ?? 0,
    exit_code: job.exit_code
  };
  if (
    job.status === 'ok' &&
    typeof job.result === 'object' &&
    job.result !== null
  ) {
    return { ...job.result, ...base, stderr_tail: job.log_tail };
  }
  return { ...base, error: job.error ?? (job.log_tail || job.status) };
}

namespace Private {
  /** Kill a job we no longer wait for; its answer is not read. */
  export function abandon(kernel: Kernel.IKernelConnection, id: string): void {
    if (kernel.isDisposed || kernel.status === 'dead') {
      return;
    }
    try {
      kernel.requestExecute(
        {
          code: buildRequest('job', { op: 'poll', id, kill: true }),
          silent: true,
          store_history: false,
          allow_stdin: false,
          stop_on_error: false
        },
        true
      );
    } catch {
      // The connection is closing: the child's watchdog ends it anyway.
    }
  }
}
