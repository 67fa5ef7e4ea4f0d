/**
 * One probe request against one kernel's record: load the probe, run it,
 * land the outcome if the record still wants it, and advise it with the
 * settings in force when it lands.
 */
import type { Kernel } from '@jupyterlab/services';

import { msg } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import type { IProbeSettings } from '../tokens';
import { heavy } from './lazy';
import type { IInflight, KernelRecord } from './record';

/** What a run reads of and tells its model. */
export interface IRunHost {
  /** The settings in force now. */
  settings(): IProbeSettings;
  /** Whether the model was disposed (then nothing lands). */
  isDisposed(): boolean;
  /** The record changed (its phase, say). */
  changed(rec: KernelRecord): void;
  /** A new outcome landed and was advised: publish it. */
  landed(rec: KernelRecord): void;
}

/**
 * Run one probe request and land its outcome if it is still current: the
 * record's epoch (restarts) and the request's sequence number decide.
 * Resolves with the landed outcome, or null (stale, or the model went
 * away).
 */
export async function runProbe(
  host: IRunHost,
  rec: KernelRecord,
  slot: IInflight,
  kernel: Kernel.IKernelConnection,
  { deep, seq }: { deep: boolean; seq: number }
): Promise<ProbeOutcome | null> {
  const kind = deep ? 'deep' : 'quick';
  const epoch = rec.epoch;
  const s = host.settings();
  let outcome: ProbeOutcome;
  let advise = null as null | Awaited<ReturnType<typeof heavy>>['advise'];
  try {
    // A failed chunk load (an upgrade under an open page) is an error outcome.
    const parts = await heavy();
    advise = parts.advise;
    outcome = await parts.probeKernel(kernel, {
      deep,
      cmd_timeout: s.commandTimeoutS,
      deep_timeout: s.deepTimeoutS,
      // The deep check's own subprocess timeout comes first.
      timeoutMs: s.probeTimeoutMs + (deep ? s.deepTimeoutS * 1000 : 0),
      onWaiting: () => {
        if (rec[kind] === slot) {
          slot.phase = 'waiting';
          host.changed(rec);
        }
      }
    });
  } catch (reason) {
    outcome = {
      kind: 'error',
      kernelId: rec.kernelId,
      message: msg('Torch Doctor could not load its probe: %1', String(reason))
    };
  }
  if (rec[kind] === slot) {
    rec[kind] = null;
  }
  if (host.isDisposed()) {
    return null;
  }
  const landed = rec.land(outcome, { deep, epoch, seq });
  if (!landed || landed !== rec.outcome) {
    // Stale, or a failure shown beside the last good report: the report,
    // its advice and the badges stay as they were.
    host.changed(rec);
    return landed;
  }
  // Advised with the settings in force now: they may have changed while
  // the probe ran.
  rec.advice =
    landed.kind === 'report' && advise
      ? advise(landed.report, host.settings())
      : null;
  host.changed(rec);
  host.landed(rec);
  return landed;
}
