/**
 * One kernel's record: everything the UI knows about that kernel. The model
 * keeps one per kernel id; the active widget only selects one.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';

import type { IAdvice } from '../report/advice';
import type {
  IInstallStatus,
  IProtectStatus,
  IVerifiedBuild
} from '../report/install';
import { loadedHeavy } from './lazy';
import type { ProbeOutcome } from '../report/outcome';
import type { ILiveCheckState, IProbeState, ProbePhase } from '../tokens';

/** A probe request in flight: at most one per kind and record. */
export interface IInflight {
  phase: 'probing' | 'waiting';
  promise: Promise<ProbeOutcome | null>;
}

/** A live index check of one report's plans under one settings version. */
export interface ILiveCheck extends ILiveCheckState {
  /** The queries, as a key: the same plans are checked once. */
  key: string;
  /** The outcome sequence and settings version it was made for. */
  outcomeSeq: number;
  settingsVersion: number;
  promise: Promise<void>;
  /** Abandons the check's job once it is superseded. */
  abort: AbortController;
}

/**
 * The record of one kernel. Sequence numbers make every async step check
 * that it is still current: `epoch` counts restarts (a result from before a
 * restart is dropped) and `seq` orders requests (a result older than the
 * shown one is dropped).
 */
export class KernelRecord {
  /** Create the record of a kernel seen through a session. */
  constructor(kernel: Kernel.IKernelConnection, session: ISessionContext) {
    this.kernelId = kernel.id;
    this.kernelName = kernel.name;
    this.kernel = kernel;
    this.session = session;
  }

  readonly kernelId: string;
  /** The kernelspec's name. */
  kernelName: string;
  /** A connection to the kernel, or null once all were disposed. */
  kernel: Kernel.IKernelConnection | null;
  /** The last session seen with this kernel. */
  session: ISessionContext | null;
  /** Restarts (and deaths) seen; results from an older epoch are stale. */
  epoch = 0;
  /** The last request's sequence number. */
  seq = 0;
  /** The sequence number of the shown outcome. */
  outcomeSeq = 0;
  /** Set between "restarting" and the next "idle". */
  restarting = false;
  /** Whether the kernel was seen dead. */
  dead = false;
  /** Set once no live session shows the kernel: the record was deleted. */
  disposed = false;
  /**
   * The kernel processes seen (`header.session` of their messages): a
   * session never seen before is a restart, whoever restarted.
   */
  sessions = new Set<string>();
  /** A restart or death was seen and the next new process is expected. */
  awaitingSession = true;
  quick: IInflight | null = null;
  deep: IInflight | null = null;
  outcome: ProbeOutcome | null = null;
  /** A newer probe that failed while `outcome` (a report) stays shown. */
  failure: ProbeOutcome | null = null;
  advice: IAdvice | null = null;
  at: Date | null = null;
  live: ILiveCheck | null = null;
  install: IInstallStatus | null = null;
  protect: IProtectStatus | null = null;

  /** A connection that can still talk to the kernel, or null. */
  connection(): Kernel.IKernelConnection | null {
    if (this.kernel && !this.kernel.isDisposed) {
      return this.kernel;
    }
    const k = this.session?.session?.kernel;
    return k && k.id === this.kernelId && !k.isDisposed ? k : null;
  }

  /**
   * Land a finished request's outcome if it is still current, and return
   * it; null when it is stale: from before a restart (another epoch), or
   * older than the shown outcome. A quick probe never erases a deep result
   * (it keeps the deep part), and a failure never erases a report: the
   * report stays shown and the failure is kept beside it in `failure`.
   */
  land(
    outcome: ProbeOutcome,
    request: { deep: boolean; epoch: number; seq: number }
  ): ProbeOutcome | null {
    // A deep report older than a quick one still lands: it is a superset.
    // A failure older than the shown outcome never replaces it.
    const older = request.seq < this.outcomeSeq;
    if (
      this.disposed ||
      request.epoch !== this.epoch ||
      (older && (!request.deep || outcome.kind !== 'report'))
    ) {
      return null;
    }
    const shown = this.outcome;
    if (isFailure(outcome) && shown?.kind === 'report') {
      this.failure = outcome;
      this.outcomeSeq = Math.max(this.outcomeSeq, request.seq);
      return outcome;
    }
    const shownDeep = shown?.kind === 'report' ? shown.report.deep : null;
    if (!request.deep && shownDeep && outcome.kind === 'report') {
      outcome = { ...outcome, report: { ...outcome.report, deep: shownDeep } };
    }
    this.outcome = outcome;
    this.failure = null;
    this.outcomeSeq = Math.max(this.outcomeSeq, request.seq);
    this.at = new Date();
    this.advice = null;
    this.dropLive();
    return outcome;
  }

  /** Forget the outcome (a restart or death makes it stale). */
  clear(): void {
    this.epoch++;
    this.quick = null;
    this.deep = null;
    this.outcome = null;
    this.failure = null;
    this.advice = null;
    this.at = null;
    this.dropLive();
    this.awaitingSession = true;
  }

  /** Forget the live check, abandoning it if it still runs. */
  dropLive(): void {
    if (this.live?.phase === 'checking') {
      this.live.abort.abort();
    }
    this.live = null;
  }

  /** The record as the views see it. */
  state(verified: IVerifiedBuild | null): IProbeState {
    let phase: ProbePhase = this.outcome ? 'done' : this.dead ? 'gone' : 'idle';
    const inflight = [this.quick, this.deep].filter(Boolean) as IInflight[];
    if (inflight.length) {
      phase = inflight.some(i => i.phase === 'waiting') ? 'waiting' : 'probing';
    }
    const outcome = this.outcome;
    const live: ILiveCheckState | null = this.live
      ? { phase: this.live.phase, message: this.live.message }
      : null;
    return {
      phase,
      kernelId: this.kernelId,
      kernelDisplayName: this.session?.kernelDisplayName ?? null,
      kernelName: this.kernelName,
      outcome,
      failure: this.failure,
      advice: this.advice,
      probedAt: this.at,
      install: this.install,
      protect: this.protect,
      regression:
        outcome?.kind === 'report'
          ? (loadedHeavy()?.detectRegression(verified, outcome.report) ?? null)
          : null,
      live
    };
  }
}

/** The state shown when no record is selected. */
export function noKernelState(): IProbeState {
  return {
    phase: 'no-kernel',
    kernelId: null,
    kernelDisplayName: null,
    kernelName: null,
    outcome: null,
    failure: null,
    advice: null,
    probedAt: null,
    install: null,
    protect: null,
    regression: null,
    live: null
  };
}

/**
 * The state shown for a notebook or console whose kernel is gone from the
 * server (culled, died, shut down elsewhere, or "No Kernel" chosen).
 */
export function goneKernelState(
  kernelId: string | null,
  kernelName: string | null
): IProbeState {
  return { ...noKernelState(), phase: 'gone', kernelId, kernelName };
}

/** A probe that came to nothing: timeout, dead kernel, bad output, error. */
function isFailure(o: ProbeOutcome): boolean {
  return (
    o.kind === 'timeout' ||
    o.kind === 'dead' ||
    o.kind === 'invalid' ||
    o.kind === 'error'
  );
}
