import type { ISessionContext } from '@jupyterlab/apputils';
import type { IStateDB } from '@jupyterlab/statedb';
import { Signal, type ISignal } from '@lumino/signaling';

import type {
  IInstallStatus,
  IProtectStatus,
  IVerifiedBuild
} from '../report/install';
import { heavy } from './lazy';
import { confirmRecord } from './liveCheck';
import {
  goneKernelState,
  KernelRecord,
  noKernelState,
  type IInflight
} from './record';
import type { ProbeOutcome } from '../report/outcome';
import { KernelRecordRegistry } from './registry';
import { runProbe, type IRunHost } from './run';
import { changesAdvice, DEFAULT_SETTINGS } from '../settings';
import { VerifiedBuilds } from './verified';
import type {
  IProbeRecord,
  IProbeSettings,
  IProbeState,
  ITorchDoctorModel
} from '../tokens';

/**
 * The shared model: one record per kernel, selected by the active session.
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
    this._verified = new VerifiedBuilds(options.state ?? null);
    this.ready = this._loadVerified();
  }

  /** Resolves when the remembered builds are loaded. */
  readonly ready: Promise<void>;

  get target(): ISessionContext | null {
    return this._target;
  }

  get selected(): string | null {
    return this._target?.session?.kernel?.id ?? null;
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
    const rec = this._selectedRecord();
    if (rec) {
      return this._stateOf(rec);
    }
    // A notebook that had a kernel and lost it is not "no notebook".
    const t = this._target;
    const last = t && !t.isDisposed ? this._lastKernel.get(t) : undefined;
    return last ? goneKernelState(last.id, last.name) : noKernelState();
  }

  /** Whether the model has been disposed. */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  stateOf(kernelId: string): IProbeState | null {
    const rec = this._records.get(kernelId);
    return rec ? this._stateOf(rec) : null;
  }

  sessionOf(kernelId: string): ISessionContext | null {
    const rec = this._records.get(kernelId);
    const s = rec?.session;
    return s && !s.isDisposed && s.session?.kernel?.id === kernelId ? s : null;
  }

  setTarget(target: ISessionContext | null): void {
    if (target === this._target || this._isDisposed) {
      return;
    }
    this._target = target;
    if (target) {
      this._records.watch(target);
      const rec = this._ofTarget(target);
      if (rec && !rec.outcome) {
        this._autoProbe(rec);
      } else if (rec) {
        // Its plans are shown again: confirm them if settings changed.
        void this.confirmPlans(rec.kernelId);
      }
    }
    this._emitSelected();
  }

  updateSettings(settings: Partial<IProbeSettings>): void {
    const before = this._settings;
    this._settings = { ...before, ...settings };
    if (changesAdvice(before, this._settings)) {
      this._settingsVersion++;
      void this._readviseAll();
    }
    this._settingsChanged.emit(this.settings);
  }

  setInstallStatus(kernelId: string, status: IInstallStatus | null): void {
    const rec = this._records.get(kernelId);
    if (rec) {
      rec.install = status;
      this._changed(rec);
    }
  }

  setProtectStatus(kernelId: string, status: IProtectStatus | null): void {
    const rec = this._records.get(kernelId);
    if (rec) {
      rec.protect = status;
      this._changed(rec);
    }
  }

  rememberVerified(build: IVerifiedBuild): void {
    this._verified.remember(build);
    this._records.all().forEach(rec => {
      if (rec.kernelName === build.kernelName) {
        this._changed(rec);
      }
    });
  }

  publish(record: IProbeRecord): void {
    if (!this._isDisposed) {
      this._probed.emit(record);
    }
  }

  probe(
    options: { deep?: boolean; kernelId?: string; fresh?: boolean } = {}
  ): Promise<ProbeOutcome | null> {
    const rec = options.kernelId
      ? this._records.get(options.kernelId)
      : this._selectedRecord();
    const kernel = rec?.connection();
    if (!rec || !kernel || this._isDisposed) {
      this._emitSelected();
      return Promise.resolve(null);
    }
    const kind = options.deep ? 'deep' : 'quick';
    const inflight = rec[kind];
    // A fresh request supersedes the one in flight (which may have read the
    // kernel's files before a cell changed them); that one lands as older.
    if (inflight && !options.fresh) {
      return inflight.promise;
    }
    const slot: IInflight = {
      phase: 'probing',
      promise: Promise.resolve(null)
    };
    rec[kind] = slot;
    slot.promise = runProbe(this._runHost, rec, slot, kernel, {
      deep: !!options.deep,
      seq: ++rec.seq
    });
    this._changed(rec);
    return slot.promise;
  }

  confirmPlans(kernelId?: string): Promise<void> {
    const rec = kernelId ? this._records.get(kernelId) : this._selectedRecord();
    if (!rec || this._isDisposed) {
      return Promise.resolve();
    }
    return confirmRecord(rec, {
      settings: () => this._settings,
      version: this._settingsVersion,
      isCurrent: () => !this._isDisposed && !rec.disposed,
      changed: published => {
        this._changed(rec);
        if (published) {
          this._publish(rec);
        }
      }
    });
  }

  /** Dispose of the model and disconnect from every session and kernel. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._target = null;
    this._records.dispose();
    Signal.clearData(this);
  }

  /** Re-advise every cached report with the new settings; no re-probe. */
  private async _readviseAll(): Promise<void> {
    const withReports = this._records
      .all()
      .filter(r => r.outcome?.kind === 'report');
    if (!withReports.length) {
      return;
    }
    const { advise } = await heavy();
    const version = this._settingsVersion;
    if (this._isDisposed || version !== this._settingsVersion) {
      return;
    }
    for (const rec of withReports) {
      if (rec.outcome?.kind === 'report') {
        rec.advice = advise(rec.outcome.report, this._settings);
        // The shown record's running check is joined if its queries stay
        // the same (confirmPlans below); the others' are abandoned.
        if (rec.kernelId !== this.selected || rec.live?.phase !== 'checking') {
          rec.dropLive();
        }
        this._changed(rec);
        this._publish(rec);
      }
    }
    const selected = this.selected;
    if (selected) {
      void this.confirmPlans(selected);
    }
  }

  private async _loadVerified(): Promise<void> {
    await this._verified.load();
    this._records.all().forEach(rec => this._changed(rec));
  }

  /** The selected record; reading it changes nothing. */
  private _selectedRecord(): KernelRecord | null {
    const id = this.selected;
    return (id && this._records.get(id)) || null;
  }

  private _stateOf(rec: KernelRecord): IProbeState {
    return rec.state(this._verified.get(rec.kernelName));
  }

  private _autoProbe(rec: KernelRecord): void {
    const kernel = rec.connection();
    if (!this._settings.autoProbe || !kernel || rec.quick || rec.restarting) {
      return;
    }
    const epoch = rec.epoch;
    // Wait for the kernel to be connected and known before probing it.
    void kernel.info.then(
      () => {
        if (rec.epoch === epoch && !rec.outcome) {
          void this.probe({ kernelId: rec.kernelId });
        }
      },
      () => undefined
    );
  }

  private _onRevived(rec: KernelRecord): void {
    // Probe again at once if it is shown; otherwise when it is selected.
    if (rec.kernelId === this.selected) {
      this._autoProbe(rec);
    }
    this._changed(rec);
  }

  /** The record of a session's kernel; the kernel is remembered for it. */
  private _ofTarget(ctx: ISessionContext): KernelRecord | null {
    const rec = this._records.of(ctx);
    if (rec) {
      this._lastKernel.set(ctx, { id: rec.kernelId, name: rec.kernelName });
    }
    return rec;
  }

  private _onKernelChanged(
    ctx: ISessionContext,
    rec: KernelRecord | null
  ): void {
    if (ctx === this._target) {
      this._ofTarget(ctx);
      if (rec && !rec.outcome) {
        this._autoProbe(rec);
      }
      this._emitSelected();
    }
  }

  private _onSessionDisposed(ctx: ISessionContext): void {
    if (ctx === this._target) {
      this.setTarget(null);
    }
  }

  private _publish(rec: KernelRecord): void {
    if (rec.outcome && rec.at) {
      this.publish({
        kernelName: rec.kernelName,
        kernelId: rec.kernelId,
        outcome: rec.outcome,
        advice: rec.advice,
        at: rec.at
      });
    }
  }

  private _changed(rec: KernelRecord): void {
    if (this._isDisposed) {
      return;
    }
    if (rec.kernelId === this.selected) {
      this._stateChanged.emit(this._stateOf(rec));
    }
  }

  private _emitSelected(): void {
    if (!this._isDisposed) {
      this._stateChanged.emit(this.state);
    }
  }

  /** What a probe run reads and tells of the model. */
  private _runHost: IRunHost = {
    settings: () => this._settings,
    isDisposed: () => this._isDisposed,
    changed: rec => this._changed(rec),
    landed: rec => {
      this._publish(rec);
      if (rec.kernelId === this.selected) {
        // The selected record's plans are about to be shown.
        void this.confirmPlans(rec.kernelId);
      }
    }
  };
  private _target: ISessionContext | null = null;
  private _settings: IProbeSettings;
  private _settingsVersion = 0;
  private _isDisposed = false;
  private _records = new KernelRecordRegistry({
    changed: rec => this._changed(rec),
    revived: rec => this._onRevived(rec),
    kernelChanged: (ctx, rec) => this._onKernelChanged(ctx, rec),
    sessionDisposed: ctx => this._onSessionDisposed(ctx),
    deleted: () => undefined
  });
  /** The last kernel each session showed: its loss is told apart. */
  private _lastKernel = new WeakMap<
    ISessionContext,
    { id: string; name: string }
  >();
  private _verified: VerifiedBuilds;
  private _stateChanged = new Signal<ITorchDoctorModel, IProbeState>(this);
  private _settingsChanged = new Signal<ITorchDoctorModel, IProbeSettings>(
    this
  );
  private _probed = new Signal<ITorchDoctorModel, IProbeRecord>(this);
}
