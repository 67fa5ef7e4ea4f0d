import type { IStateDB } from '@jupyterlab/statedb';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';

import { StoredMap } from '../model/stateStore';
import type { IProbeRecord, ITorchDoctorModel } from '../tokens';
import { badgeOf, isBadge, type IBadge } from './badge';

/** The IStateDB key of the badges. */
const KEY = 'jupyterlab-torch-doctor:badges';

/**
 * The newest badge of each kernelspec, from any probe anywhere (panel,
 * install, verification, "Probe all kernels"), kept in IStateDB.
 */
export class BadgeCache {
  /** Create the cache and start listening to the model's probes. */
  constructor(
    model: ITorchDoctorModel,
    state: IStateDB | null,
    trans?: TranslationBundle
  ) {
    this._model = model;
    this._store = new StoredMap(state, KEY, isBadge);
    this._trans = trans;
    model.probed.connect(this._onProbed, this);
    this.ready = this._load();
  }

  /** Resolves when the saved badges are loaded. */
  readonly ready: Promise<void>;

  /** Emitted when a badge changes. */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /** The badge of a kernelspec, or undefined when never probed. */
  get(kernelName: string): IBadge | undefined {
    return this._badges.get(kernelName);
  }

  /** Stop listening. */
  dispose(): void {
    this._model.probed.disconnect(this._onProbed, this);
    Signal.clearData(this);
  }

  private _onProbed(_: ITorchDoctorModel, record: IProbeRecord): void {
    // The newest probe wins, whatever order the records arrive in (a
    // re-advised older report of a closed kernel, say).
    const shown = this._badges.get(record.kernelName)?.at;
    if (shown && Date.parse(shown) > record.at.getTime()) {
      return;
    }
    this._badges.set(record.kernelName, badgeOf(record, this._trans));
    this._changed.emit(record.kernelName);
    this._store.save(this._badges);
  }

  private async _load(): Promise<void> {
    for (const [name, badge] of await this._store.load()) {
      // Probes that arrived while loading are newer: keep them.
      if (!this._badges.has(name)) {
        this._badges.set(name, badge);
        this._changed.emit(name);
      }
    }
  }

  private _model: ITorchDoctorModel;
  private _store: StoredMap<IBadge>;
  private _trans: TranslationBundle | undefined;
  private _badges = new Map<string, IBadge>();
  private _changed = new Signal<this, string>(this);
}
