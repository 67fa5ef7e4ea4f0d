import {
  nullTranslator,
  type ITranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { torchDoctorIcon } from '../icons';
import type { IProbeState, ITorchDoctorModel } from '../tokens';
import { renderAdvice } from './adviceView';
import { describeState, summarizeReport } from './facts';

/**
 * The id of the sidebar panel (also its tab's id).
 */
export const PANEL_ID = 'jp-TorchDoctor-panel';

/**
 * The right-sidebar panel. Every kernel-provided string is set through
 * textContent, never as HTML.
 */
export class TorchDoctorPanel extends SidePanel {
  /**
   * Create the panel for a model.
   */
  constructor(options: { model: ITorchDoctorModel; translator?: ITranslator }) {
    const translator = options.translator ?? nullTranslator;
    super({ translator });
    this._tr = translator.load('jupyterlab_torch_doctor');
    this._model = options.model;
    this.id = PANEL_ID;
    this.addClass('jp-TorchDoctor-panel');
    this.title.icon = torchDoctorIcon;
    this.title.caption = this._tr.__('Torch Doctor');
    this.node.setAttribute('aria-label', this._tr.__('Torch Doctor'));

    const header = document.createElement('h2');
    header.className = 'jp-TorchDoctor-title';
    header.textContent = this._tr.__('Torch Doctor');
    this.header.addWidget(new Widget({ node: header }));

    this._body = new Widget();
    this._body.addClass('jp-TorchDoctor-body');
    this._body.node.setAttribute('role', 'region');
    this._body.node.setAttribute('aria-live', 'polite');
    this.addWidget(this._body);

    this._model.stateChanged.connect(this._render, this);
    this._render();
  }

  /**
   * The body widget, where the state and the facts are rendered.
   */
  get body(): Widget {
    return this._body;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.stateChanged.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const state: IProbeState = this._model.state;
    const node = this._body.node;
    node.replaceChildren();

    if (state.kernelDisplayName) {
      const kernel = document.createElement('div');
      kernel.className = 'jp-TorchDoctor-kernel';
      kernel.textContent = this._tr.__('Kernel: %1', state.kernelDisplayName);
      node.appendChild(kernel);
    }

    const line = describeState(state, this._tr);
    const status = document.createElement('div');
    status.className = 'jp-TorchDoctor-state';
    status.dataset.state = line.kind;
    status.setAttribute('role', line.kind === 'error' ? 'alert' : 'status');
    status.textContent = line.text;
    node.appendChild(status);

    const outcome = state.outcome;
    if (outcome?.kind !== 'report') {
      return;
    }
    if (state.advice) {
      node.appendChild(renderAdvice(state.advice, this._tr));
    }
    const list = document.createElement('dl');
    list.className = 'jp-TorchDoctor-facts';
    for (const fact of summarizeReport(outcome.report, this._tr)) {
      const dt = document.createElement('dt');
      dt.textContent = fact.label;
      const dd = document.createElement('dd');
      dd.textContent = fact.value;
      list.append(dt, dd);
    }
    node.appendChild(list);
  }

  private _model: ITorchDoctorModel;
  private _tr: TranslationBundle;
  private _body: Widget;
}
