/**
 * "Probe all kernels": start each kernelspec's kernel headless, probe it,
 * and shut it down, at most `concurrency` at a time. No kernel outlives it.
 */
import type { Kernel } from '@jupyterlab/services';

import { heavy } from '../model/lazy';
import { msg } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import type { IProbeRecord, IProbeSettings } from '../tokens';

/** Options of {@link probeAll}. */
export interface IProbeAllOptions {
  settings: IProbeSettings;
  /** Kernels probed at once. */
  concurrency?: number;
  /** Milliseconds for one kernel: start, probe and all. */
  perKernelMs?: number;
  /** Called after each kernel with the count done and the total. */
  onProgress?: (done: number, total: number, record: IProbeRecord) => void;
}

/** A promise that rejects with 'timeout' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Probe one kernelspec in a kernel of its own. */
async function probeOne(
  kernels: Kernel.IManager,
  name: string,
  o: Required<Omit<IProbeAllOptions, 'onProgress'>>
): Promise<IProbeRecord> {
  const { probeKernel, advise } = await heavy();
  const started = performance.now();
  const left = () => Math.max(1, o.perKernelMs - (performance.now() - started));
  let kernel: Kernel.IKernelConnection | null = null;
  let outcome: ProbeOutcome;
  const starting = kernels.startNew({ name });
  try {
    kernel = await within(starting, left());
    // A kernel that dies at start never answers: stop waiting at once.
    const k = kernel;
    const died = new Promise<never>((_, reject) => {
      const check = () =>
        k.status === 'dead' && reject(new Error('it died at start'));
      k.statusChanged.connect(check);
      check();
    });
    died.catch(() => undefined);
    await within(Promise.race([kernel.info, died]), left());
    outcome = await probeKernel(kernel, {
      timeoutMs: left(),
      cmd_timeout: o.settings.commandTimeoutS
    });
  } catch (reason) {
    const message = String((reason as Error)?.message ?? reason);
    outcome =
      message === 'timeout'
        ? {
            kind: 'timeout',
            kernelId: kernel?.id ?? '',
            waitedForBusyKernel: false
          }
        : {
            kind: 'error',
            kernelId: kernel?.id ?? '',
            message: kernel
              ? msg('The kernel failed: %1.', message)
              : msg('The kernel failed to start: %1', message)
          };
  } finally {
    // A kernel that started after its timeout is shut down as well.
    const k = kernel ?? (await starting.catch(() => null));
    await k?.shutdown().catch(() => undefined);
    k?.dispose();
  }
  return {
    kernelName: name,
    kernelId: outcome.kernelId,
    outcome,
    advice:
      outcome.kind === 'report' ? advise(outcome.report, o.settings) : null,
    at: new Date()
  };
}

/**
 * Probe each named kernelspec once. Resolves with a record per kernelspec,
 * in the given order; failures are records too.
 */
export async function probeAll(
  kernels: Kernel.IManager,
  names: string[],
  options: IProbeAllOptions
): Promise<IProbeRecord[]> {
  const o = {
    settings: options.settings,
    concurrency: Math.max(1, options.concurrency ?? 2),
    perKernelMs: options.perKernelMs ?? options.settings.probeTimeoutMs + 60_000
  };
  const records: IProbeRecord[] = new Array(names.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      records[i] = await probeOne(kernels, names[i], o);
      options.onProgress?.(++done, names.length, records[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency, names.length) }, worker)
  );
  return records;
}
