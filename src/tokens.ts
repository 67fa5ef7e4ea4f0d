import type { ISessionContext } from '@jupyterlab/apputils';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type { IAdvice, IAdviceSettings } from './report/advice';
import type {
  IInstallStatus,
  IProtectStatus,
  IRegression,
  IVerifiedBuild
} from './report/install';
import type { IMessage } from './report/message';
import type { ProbeOutcome } from './report/outcome';

/**
 * Where the model is in probing the current kernel.
 */
export type ProbePhase =
  /** No notebook or console with a kernel is active. */
  | 'no-kernel'
  /**
   * The active notebook or console lost its kernel: culled, died, shut down
   * elsewhere, or "No Kernel" chosen.
   */
  | 'gone'
  /** A kernel is known but has not been probed yet. */
  | 'idle'
  /** A probe request is in flight. */
  | 'probing'
  /** The probe waits behind the user's running cell. */
  | 'waiting'
  /** The latest probe finished; see `outcome`. */
  | 'done';

/**
 * A snapshot of the model's view of the current kernel.
 */
export interface IProbeState {
  phase: ProbePhase;
  /** The kernel's id, if any. */
  kernelId: string | null;
  /** The kernelspec's display name, if any. */
  kernelDisplayName: string | null;
  /** The kernelspec's name (e.g. python3), if any. */
  kernelName: string | null;
  /** The latest outcome for this kernel, even while a new probe runs. */
  outcome: ProbeOutcome | null;
  /**
   * A newer probe that failed (a timeout on a busy kernel, say) while the
   * last good report stays in `outcome`; null otherwise.
   */
  failure: ProbeOutcome | null;
  /** The advice for the latest report, or null. */
  advice: IAdvice | null;
  /** When `outcome` arrived. */
  probedAt: Date | null;
  /** Where an install started from the panel stands, for this kernel. */
  install: IInstallStatus | null;
  /** Protect, Unprotect, or a refused install the protection explains. */
  protect: IProtectStatus | null;
  /** The build changed since it was last verified for this kernelspec. */
  regression: IRegression | null;
  /** The live index check of the shown plans, if one ran or runs. */
  live: ILiveCheckState | null;
}

/**
 * Where the live index check of a record's plans stands.
 */
export interface ILiveCheckState {
  phase: 'checking' | 'done' | 'failed';
  /** Why the check failed (the index did not answer in time, say). */
  message: IMessage | null;
}

/**
 * One finished probe, of any kernel: what the launcher badges cache.
 */
export interface IProbeRecord {
  /** The kernelspec's name. */
  kernelName: string;
  kernelId: string;
  outcome: ProbeOutcome;
  advice: IAdvice | null;
  at: Date;
}

/**
 * Settings the model reads; they come from schema/plugin.json.
 */
export interface IProbeSettings extends IAdviceSettings {
  /** Confirm plans on the index, from a subprocess of the kernel's Python. */
  liveIndexCheck: boolean;
  /** Hard wall-clock deadline of the index check's subprocess, in seconds. */
  indexCheckTimeoutS: number;
  /** Milliseconds before a quick probe gives up. */
  probeTimeoutMs: number;
  /** Seconds allowed for each external command in the kernel (nvidia-smi). */
  commandTimeoutS: number;
  /** Seconds allowed for the deep check's subprocess. */
  deepTimeoutS: number;
  /** Probe automatically when a kernel starts, restarts or changes. */
  autoProbe: boolean;
  /** Show the status-bar item. */
  showStatusItem: boolean;
  /** Badge the Launcher's kernel cards. */
  showLauncherBadges: boolean;
}

/**
 * The shared Torch Doctor model: one record per kernel (its probe outcome,
 * advice, install state and sequence numbers). The active notebook or
 * console only selects a record; probes, installs and views address
 * records by kernel id.
 */
export interface ITorchDoctorModel {
  /** The session of the selected record (the active notebook or console). */
  readonly target: ISessionContext | null;
  /** The kernel id of the selected record, or null. */
  readonly selected: string | null;
  /** The selected record's state. */
  readonly state: IProbeState;
  /** The settings in force. */
  readonly settings: IProbeSettings;
  /** Emitted whenever the selected record changes, or the selection. */
  readonly stateChanged: ISignal<ITorchDoctorModel, IProbeState>;
  /** Emitted when settings change. */
  readonly settingsChanged: ISignal<ITorchDoctorModel, IProbeSettings>;
  /** Emitted when a probe of any kernel finishes with a report or failure. */
  readonly probed: ISignal<ITorchDoctorModel, IProbeRecord>;
  /** The state of one kernel's record, or null when there is none. */
  stateOf(kernelId: string): IProbeState | null;
  /** A live session context of a kernel's record, or null. */
  sessionOf(kernelId: string): ISessionContext | null;
  /** Select the record of this session's kernel (null for none). */
  setTarget(target: ISessionContext | null): void;
  /** Replace some settings; advice-changing ones re-advise every record. */
  updateSettings(settings: Partial<IProbeSettings>): void;
  /**
   * Probe a kernel (the selected one by default). A request joins the one of
   * the same kind in flight, unless `fresh`: then it is a new request, sent
   * after whatever the kernel is running now (a probe that must see what a
   * cell just wrote). Resolves with the outcome, or null when there is no
   * kernel or the outcome is stale (from before a restart, or older than the
   * record's latest).
   */
  probe(options?: {
    deep?: boolean;
    kernelId?: string;
    fresh?: boolean;
  }): Promise<ProbeOutcome | null>;
  /**
   * Confirm a record's plans on the index (the selected one by default),
   * once per report and settings; call it when plans are shown or inserted.
   */
  confirmPlans(kernelId?: string): Promise<void>;
  /** Set (or clear) the install status shown for a kernel. */
  setInstallStatus(kernelId: string, status: IInstallStatus | null): void;
  /** Set (or clear) the protection status shown for a kernel. */
  setProtectStatus(kernelId: string, status: IProtectStatus | null): void;
  /** Remember a verified build for a kernelspec (the regression guard). */
  rememberVerified(build: IVerifiedBuild): void;
  /** Publish a probe made outside the model (e.g. a headless kernel). */
  publish(record: IProbeRecord): void;
}

/**
 * The token of the shared Torch Doctor model.
 */
export const ITorchDoctorModel = new Token<ITorchDoctorModel>(
  'jupyterlab-torch-doctor:ITorchDoctorModel',
  'The Torch Doctor model: the active kernel and its latest probe report.'
);
