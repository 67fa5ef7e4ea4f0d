import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import type { IChangedArgs } from '@jupyterlab/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';

import { advise, DEFAULT_ADVICE_SETTINGS } from './advice/engine';
import { indexQueries } from './advice/live';
import type { IAdvice } from './advice/types';
import { checkIndex } from './probe/indexCheck';
import { probeKernel, type ProbeOutcome } from './probe/runner';
import type {
  IProbeSettings,
  IProbeState,
  ITorchDoctorModel,
  ProbePhase
} from './tokens';

/**
 * Defaults for the settings; schema/plugin.json holds the same values.
 */
export const DEFAULT_SETTINGS: IProbeSettings = {
  ...DEFAULT_ADVICE_SETTINGS,
  liveIndexCheck: true,
  probeTimeoutMs: 30_000,
  commandTimeoutS: 3,
  deepTimeoutS: 120,
  autoProbe: true
};

/**
 * The shared model: follows one session context and probes its kernel.
 */
export class TorchDoctorModel implements ITorchDoctorModel {
  /**
   * Create a model with optional initial settings.
   */
  constructor(settings: Partial<IProbeSettings> = {}) {
    this._settings = { ...DEFAULT_SETTINGS, ...settings };
  }

  get target(): ISessionContext | null {
    return this._target;
  }

  get settings(): IProbeSettings {
    return { ...this._settings };
  }

  get stateChanged(): ISignal<ITorchDoctorModel, IProbeState> {
    return this._stateChanged;
  }

  get state(): IProbeState {
    const kernel = this._kernel();
    const cached = kernel ? this._outcomes.get(kernel.id) : undefined;
    let phase: ProbePhase = 'no-kernel';
    if (kernel) {
      phase = this._inflight.get(kernel.id) ?? (cached ? 'done' : 'idle');
    }
    return {
      phase,
      kernelId: kernel?.id ?? null,
      kernelDisplayName: kernel
        ? (this._target?.kernelDisplayName ?? null)
        : null,
      outcome: cached?.outcome ?? null,
      advice: cached?.advice ?? null,
      probedAt: cached?.at ?? null
    };
  }

  /**
   * Whether the model has been disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  setTarget(target: ISessionContext | null): void {
    if (target === this._target) {
      return;
    }
    if (this._target) {
      this._target.kernelChanged.disconnect(this._onKernelChanged, this);
      this._target.statusChanged.disconnect(this._onStatusChanged, this);
      this._target.disposed.disconnect(this._onTargetDisposed, this);
    }
    this._target = target;
    if (target) {
      target.kernelChanged.connect(this._onKernelChanged, this);
      target.statusChanged.connect(this._onStatusChanged, this);
      target.disposed.connect(this._onTargetDisposed, this);
      const kernel = this._kernel();
      if (kernel && !this._outcomes.has(kernel.id)) {
        this._autoProbe(kernel);
      }
    }
    this._emit();
  }

  updateSettings(settings: Partial<IProbeSettings>): void {
    this._settings = { ...this._settings, ...settings };
  }

  async probe(options: { deep?: boolean } = {}): Promise<ProbeOutcome | null> {
    const kernel = this._kernel();
    if (!kernel) {
      this._emit();
      return null;
    }
    const id = kernel.id;
    const deep = !!options.deep;
    const s = this._settings;
    this._inflight.set(id, 'probing');
    this._emit();
    let outcome: ProbeOutcome;
    try {
      outcome = await probeKernel(kernel, {
        deep,
        cmd_timeout: s.commandTimeoutS,
        deep_timeout: s.deepTimeoutS,
        // The deep check's own subprocess timeout comes first.
        timeoutMs: s.probeTimeoutMs + (deep ? s.deepTimeoutS * 1000 : 0),
        onWaiting: () => {
          this._inflight.set(id, 'waiting');
          this._emit();
        }
      });
    } catch (reason) {
      outcome = { kind: 'error', kernelId: id, message: String(reason) };
    }
    this._inflight.delete(id);
    if (this._isDisposed) {
      return null;
    }
    const entry = {
      outcome,
      advice:
        outcome.kind === 'report'
          ? advise(outcome.report, this._settings)
          : null,
      at: new Date()
    };
    this._outcomes.set(id, entry);
    this._emit();
    if (outcome.kind === 'report' && entry.advice) {
      // Show the advice at once; confirm its plans on the index afterwards.
      void this._confirm(kernel, outcome, entry);
    }
    // A reply from a kernel that is no longer the target's is stale.
    return this._kernel()?.id === id ? outcome : null;
  }

  /**
   * Dispose of the model and disconnect from its target.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this.setTarget(null);
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /** Re-advise with the live index answer, asked from the kernel, when enabled. */
  private async _confirm(
    kernel: Kernel.IKernelConnection,
    outcome: Extract<ProbeOutcome, { kind: 'report' }>,
    entry: { advice: IAdvice | null }
  ): Promise<void> {
    const s = this._settings;
    const queries =
      s.liveIndexCheck && entry.advice ? indexQueries(entry.advice) : [];
    if (!queries.length || kernel.isDisposed) {
      return;
    }
    const live = await checkIndex(kernel, queries).catch(() => null);
    // Only if this outcome is still the latest for its kernel.
    if (
      live?.kind === 'ok' &&
      !this._isDisposed &&
      this._outcomes.get(kernel.id) === entry
    ) {
      entry.advice = advise(outcome.report, s, live.live);
      this._emit();
    }
  }

  private _kernel(): Kernel.IKernelConnection | null {
    return this._target?.session?.kernel ?? null;
  }

  private _autoProbe(kernel: Kernel.IKernelConnection): void {
    if (!this._settings.autoProbe || this._inflight.has(kernel.id)) {
      return;
    }
    // Wait for the kernel to be connected and known before probing it.
    void kernel.info.then(
      () => {
        if (this._kernel() === kernel && !this._inflight.has(kernel.id)) {
          void this.probe();
        }
      },
      () => undefined
    );
  }

  private _onKernelChanged(
    _: ISessionContext,
    args: IChangedArgs<
      Kernel.IKernelConnection | null,
      Kernel.IKernelConnection | null,
      'kernel'
    >
  ): void {
    // A restart through the session emits kernelChanged with the same
    // connection; the status handler covers that case.
    if (args.newValue && args.newValue !== args.oldValue) {
      this._autoProbe(args.newValue);
    }
    this._emit();
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    const kernel = this._kernel();
    if (!kernel) {
      return;
    }
    if (status === 'restarting' || status === 'autorestarting') {
      this._restarting.add(kernel.id);
      this._outcomes.delete(kernel.id);
      this._emit();
    } else if (status === 'idle' && this._restarting.has(kernel.id)) {
      this._restarting.delete(kernel.id);
      this._autoProbe(kernel);
    } else if (status === 'dead') {
      this._emit();
    }
  }

  private _onTargetDisposed(): void {
    this.setTarget(null);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._stateChanged.emit(this.state);
    }
  }

  private _target: ISessionContext | null = null;
  private _settings: IProbeSettings;
  private _isDisposed = false;
  private _outcomes = new Map<
    string,
    { outcome: ProbeOutcome; advice: IAdvice | null; at: Date }
  >();
  private _inflight = new Map<string, 'probing' | 'waiting'>();
  private _restarting = new Set<string>();
  private _stateChanged = new Signal<ITorchDoctorModel, IProbeState>(this);
}
