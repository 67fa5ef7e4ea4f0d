import {
  nullTranslator,
  type ITranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { ITorchDoctorModel } from '../tokens';
import { statusSummary } from './statusText';

/**
 * The status-bar item: the active kernel's torch build and fit. A button,
 * so it is reachable with the keyboard.
 */
export class TorchStatusItem extends Widget {
  /**
   * Create the item; `onOpen` runs when it is clicked.
   */
  constructor(options: {
    model: ITorchDoctorModel;
    onOpen: () => void;
    translator?: ITranslator;
  }) {
    super({ node: document.createElement('button') });
    this._model = options.model;
    this._onOpen = options.onOpen;
    this._tr = (options.translator ?? nullTranslator).load(
      'jupyterlab_torch_doctor'
    );
    this.addClass('jp-TorchDoctor-statusItem');
    this.node.setAttribute('type', 'button');
    this.node.addEventListener('click', this);
    this._model.stateChanged.connect(this._update, this);
    this._model.settingsChanged.connect(this._update, this);
    this._update();
  }

  /**
   * Emitted when the item should be shown or hidden.
   */
  get activeStateChanged(): ISignal<this, void> {
    return this._activeStateChanged;
  }

  /**
   * Whether the status bar shows the item: a kernel and the setting on.
   */
  get isActive(): boolean {
    return this._active;
  }

  /**
   * Handle the DOM events of the item.
   */
  handleEvent(event: Event): void {
    if (event.type === 'click') {
      this._onOpen();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.node.removeEventListener('click', this);
    Signal.clearData(this);
    this._model.stateChanged.disconnect(this._update, this);
    this._model.settingsChanged.disconnect(this._update, this);
    super.dispose();
  }

  private _update(): void {
    const summary = statusSummary(this._model.state, this._tr);
    // Kept up to date here: every state and settings change comes through.
    const active = this._model.settings.showStatusItem && summary !== null;
    // textContent only: GPU names and versions come from the kernel.
    this.node.textContent = summary?.text ?? '';
    this.node.title = summary
      ? `${summary.title}\n${this._tr.__('Click to open Torch Doctor.')}`
      : '';
    this.node.setAttribute(
      'aria-label',
      summary ? this._tr.__('Torch Doctor: %1', summary.text) : ''
    );
    this.node.dataset.level = summary?.level ?? 'info';
    if (active !== this._active) {
      this._active = active;
      this._activeStateChanged.emit();
    }
  }

  private _model: ITorchDoctorModel;
  private _onOpen: () => void;
  private _tr: TranslationBundle;
  private _active = false;
  private _activeStateChanged = new Signal<this, void>(this);
}
