import type { KernelSpec } from '@jupyterlab/services';
import type { Widget } from '@lumino/widgets';

import type { ITorchDoctorModel } from '../tokens';
import type { TranslationBundle } from '@jupyterlab/translation';

import { unprobed, type IBadge } from './badge';
import type { BadgeCache } from './cache';
import { decorate, undecorate, type ISpecInfo } from './decorator';

/**
 * Keeps the badges of every open Launcher up to date: one MutationObserver
 * per Launcher, disconnected when it is disposed. Rendering never probes.
 */
export class LauncherBadges {
  /** Create the decorator for a model, a cache and the kernelspecs. */
  constructor(options: {
    model: ITorchDoctorModel;
    cache: BadgeCache;
    specs: KernelSpec.IManager;
    trans?: TranslationBundle;
  }) {
    this._unprobed = unprobed(options.trans);
    this._model = options.model;
    this._cache = options.cache;
    this._specs = options.specs;
    this._readSpecs();
    this._specs.specsChanged.connect(this._onSpecs, this);
    this._cache.changed.connect(this.refresh, this);
    this._model.settingsChanged.connect(this.refresh, this);
  }

  /** Whether badges are shown (the showLauncherBadges setting). */
  get enabled(): boolean {
    return this._model.settings.showLauncherBadges;
  }

  /**
   * Watch a Launcher widget (its content node holds the cards).
   */
  watch(launcher: Widget): void {
    if (this._observers.has(launcher) || launcher.isDisposed) {
      return;
    }
    const observer = new MutationObserver(() => this._decorate(launcher));
    observer.observe(launcher.node, { childList: true, subtree: true });
    this._observers.set(launcher, observer);
    launcher.disposed.connect(this._unwatch, this);
    this._decorate(launcher);
  }

  /** The number of Launchers watched. */
  get watched(): number {
    return this._observers.size;
  }

  /** Re-decorate every watched Launcher. */
  refresh(): void {
    this._observers.forEach((_, launcher) => this._decorate(launcher));
  }

  /** Stop watching and remove all badges. */
  dispose(): void {
    this._observers.forEach((observer, launcher) => {
      observer.disconnect();
      undecorate(launcher.node);
      launcher.disposed.disconnect(this._unwatch, this);
    });
    this._observers.clear();
    this._specs.specsChanged.disconnect(this._onSpecs, this);
    this._cache.changed.disconnect(this.refresh, this);
    this._model.settingsChanged.disconnect(this.refresh, this);
  }

  private _decorate(launcher: Widget): void {
    if (!this.enabled) {
      undecorate(launcher.node);
      return;
    }
    decorate(launcher.node, this._specInfo, spec => {
      const cached = this._cache.get(spec.name);
      if (cached) {
        return cached;
      }
      return spec.language.toLowerCase() === 'python' ? this._unprobed : null;
    });
  }

  private _unwatch(launcher: Widget): void {
    this._observers.get(launcher)?.disconnect();
    this._observers.delete(launcher);
  }

  private _onSpecs(): void {
    this._readSpecs();
    this.refresh();
  }

  private _readSpecs(): void {
    const specs = this._specs.specs?.kernelspecs ?? {};
    this._specInfo = Object.values(specs)
      .filter((s): s is KernelSpec.ISpecModel => !!s)
      .map(s => ({
        name: s.name,
        displayName: s.display_name,
        language: s.language ?? ''
      }));
  }

  private _model: ITorchDoctorModel;
  private _unprobed: IBadge;
  private _cache: BadgeCache;
  private _specs: KernelSpec.IManager;
  private _specInfo: ISpecInfo[] = [];
  private _observers = new Map<Widget, MutationObserver>();
}
