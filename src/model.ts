import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import type { IChangedArgs } from '@jupyterlab/coreutils';
import type { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONValue } from '@lumino/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';

import { DEFAULT_ADVICE_SETTINGS } from './advice/defaults';
import { indexQueries } from './advice/live';
import type { IAdvice } from './advice/types';
import type { IInstallStatus, IVerifiedBuild } from './install/types';
import { detectRegression } from './install/verify';
import { heavy, type IHeavy } from './lazy';
import { msg } from './report/message';
import type { ProbeOutcome } from './report/outcome';
import type {
  IProbeRecord,
  IProbeSettings,
  IProbeState,
  ITorchDoctorModel,
  ProbePhase
} from './tokens';

/** The IStateDB key of the verified builds, per kernelspec. */
const VERIFIED_KEY = 'jupyterlab-torch-doctor:verified';

/**
 * Defaults for the settings; schema/plugin.json holds the same values.
 */
export const DEFAULT_SETTINGS: IProbeSettings = {
  ...DEFAULT_ADVICE_SETTINGS,
  liveIndexCheck: true,
  probeTimeoutMs: 30_000,
  commandTimeoutS: 3,
  deepTimeoutS: 120,
  autoProbe: true,
  showStatusItem: true,
  showLauncherBadges: true
};

/**
 * The shared model: follows one session context and probes its kernel.
 */
export class TorchDoctorModel implements ITorchDoctorModel {
  /**
   * Create a model with optional initial settings, and a state database
   * where verified builds are remembered.
   */
  constructor(
    settings: Partial<IProbeSettings> = {},
    options: { state?: IStateDB | null } = {}
  ) {
    this._settings = { ...DEFAULT_SETTINGS, ...settings };
    this._state = options.state ?? null;
    this.ready = this._loadVerified();
  }

  /**
   * Resolves when the remembered builds are loaded.
   */
  readonly ready: Promise<void>;

  get target(): ISessionContext | null {
    return this._target;
  }

  get settings(): IProbeSettings {
    return { ...this._settings };
  }

  get stateChanged(): ISignal<ITorchDoctorModel, IProbeState> {
    return this._stateChanged;
  }

  get settingsChanged(): ISignal<ITorchDoctorModel, IProbeSettings> {
    return this._settingsChanged;
  }

  get probed(): ISignal<ITorchDoctorModel, IProbeRecord> {
    return this._probed;
  }

  get state(): IProbeState {
    const kernel = this._kernel();
    const cached = kernel ? this._outcomes.get(kernel.id) : undefined;
    let phase: ProbePhase = 'no-kernel';
    if (kernel) {
      phase = this._inflight.get(kernel.id) ?? (cached ? 'done' : 'idle');
    }
    const outcome = cached?.outcome ?? null;
    return {
      phase,
      kernelId: kernel?.id ?? null,
      kernelDisplayName: kernel
        ? (this._target?.kernelDisplayName ?? null)
        : null,
      kernelName: kernel?.name ?? null,
      outcome,
      advice: cached?.advice ?? null,
      probedAt: cached?.at ?? null,
      install: (kernel && this._installs.get(kernel.id)) ?? null,
      regression:
        kernel && outcome?.kind === 'report'
          ? detectRegression(
              this._verified.get(kernel.name) ?? null,
              outcome.report
            )
          : null
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
    this._settingsChanged.emit(this.settings);
  }

  setInstallStatus(kernelId: string, status: IInstallStatus | null): void {
    if (status) {
      this._installs.set(kernelId, status);
    } else {
      this._installs.delete(kernelId);
    }
    this._emit();
  }

  rememberVerified(build: IVerifiedBuild): void {
    this._verified.set(build.kernelName, build);
    this._emit();
    const all: { [name: string]: IVerifiedBuild } = {};
    this._verified.forEach((b, name) => (all[name] = b));
    void this._state
      ?.save(VERIFIED_KEY, all as unknown as ReadonlyPartialJSONValue)
      .catch(reason => console.warn('Torch Doctor: cannot save', reason));
  }

  publish(record: IProbeRecord): void {
    if (!this._isDisposed) {
      this._probed.emit(record);
    }
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
    let advise: IHeavy['advise'] | null = null;
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
          this._inflight.set(id, 'waiting');
          this._emit();
        }
      });
    } catch (reason) {
      outcome = {
        kind: 'error',
        kernelId: id,
        message: msg(
          'Torch Doctor could not load its probe: %1',
          String(reason)
        )
      };
    }
    this._inflight.delete(id);
    if (this._isDisposed) {
      return null;
    }
    const entry = {
      outcome,
      advice:
        outcome.kind === 'report' && advise
          ? advise(outcome.report, this._settings)
          : null,
      at: new Date()
    };
    this._outcomes.set(id, entry);
    this._emit();
    this.publish({ kernelName: kernel.name, kernelId: id, ...entry });
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
    entry: { outcome: ProbeOutcome; advice: IAdvice | null; at: Date }
  ): Promise<void> {
    const s = this._settings;
    const queries =
      s.liveIndexCheck && entry.advice ? indexQueries(entry.advice) : [];
    if (!queries.length || kernel.isDisposed) {
      return;
    }
    const { checkIndex, advise } = await heavy();
    const live = await checkIndex(kernel, queries).catch(() => null);
    // Only if this outcome is still the latest for its kernel.
    if (
      live?.kind === 'ok' &&
      !this._isDisposed &&
      this._outcomes.get(kernel.id) === entry
    ) {
      entry.advice = advise(outcome.report, s, live.live);
      this._emit();
      this.publish({ kernelName: kernel.name, kernelId: kernel.id, ...entry });
    }
  }

  private async _loadVerified(): Promise<void> {
    const saved = await this._state?.fetch(VERIFIED_KEY).catch(() => null);
    if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
      for (const [name, b] of Object.entries(saved)) {
        const build = b as unknown as IVerifiedBuild;
        // Ignore entries of another shape (an older version of this extension).
        if (build && typeof build.executable === 'string' && build.packages) {
          this._verified.set(name, build);
        }
      }
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
  private _installs = new Map<string, IInstallStatus>();
  private _verified = new Map<string, IVerifiedBuild>();
  private _state: IStateDB | null;
  private _stateChanged = new Signal<ITorchDoctorModel, IProbeState>(this);
  private _settingsChanged = new Signal<ITorchDoctorModel, IProbeSettings>(
    this
  );
  private _probed = new Signal<ITorchDoctorModel, IProbeRecord>(this);
}
