import type { Kernel } from '@jupyterlab/services';

import { runJob, type IJobResult, type JobKind } from './jobs';
import { TIMEOUT, type IDeadline } from './silent';

/**
 * Start a job that the caller may stop waiting for (a dialog closed before
 * it answered): `stop()` ends the wait and a last poll kills the child. The
 * front end also gives up 10 s after the job's own deadline.
 */
export function startJob(
  kernel: Kernel.IKernelConnection,
  kind: JobKind,
  args: object,
  deadlineS: number
): { result: Promise<IJobResult>; stop(): void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<typeof TIMEOUT>(resolve => {
    fire = () => resolve(TIMEOUT);
  });
  const timer = setTimeout(() => fire(), (deadlineS + 10) * 1000);
  const until: IDeadline = { promise, cancel: () => clearTimeout(timer) };
  const result = runJob(kernel, kind, args, deadlineS, until).finally(() =>
    until.cancel()
  );
  return { result, stop: () => fire() };
}
