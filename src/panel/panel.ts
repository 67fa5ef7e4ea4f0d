import {
  nullTranslator,
  type ITranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { SidePanel } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { torchDoctorIcon } from '../icons';
import type { IProbeState, ITorchDoctorModel } from '../tokens';
import { renderAdvice } from './adviceView';
import { appendRow } from '../dom';
import { describeState, summarizeReport } from './facts';
import {
  renderInstall,
  renderRegression,
  type IPanelAction
} from './installView';

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
  constructor(options: {
    model: ITorchDoctorModel;
    /** Runs the panel's actions; without it the panel shows no buttons. */
    commands?: CommandRegistry;
    translator?: ITranslator;
  }) {
    const translator = options.translator ?? nullTranslator;
    super({ translator });
    this._tr = translator.load('jupyterlab_torch_doctor');
    this._model = options.model;
    this._commands = options.commands ?? null;
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

    const report =
      state.outcome?.kind === 'report' ? state.outcome.report : null;
    if (state.kernelDisplayName) {
      const kernel = document.createElement('div');
      kernel.className = 'jp-TorchDoctor-kernel';
      kernel.textContent = report
        ? this._tr.__(
            'Kernel: %1 on %2',
            state.kernelDisplayName,
            report.environment.hostname
          )
        : this._tr.__('Kernel: %1', state.kernelDisplayName);
      node.appendChild(kernel);
    }

    const line = describeState(state, this._tr);
    const status = document.createElement('div');
    status.className = 'jp-TorchDoctor-state';
    status.dataset.state = line.kind;
    status.setAttribute('role', line.kind === 'error' ? 'alert' : 'status');
    status.textContent = line.text;
    node.appendChild(status);

    const action = this._commands
      ? (a: IPanelAction) => this._action(a)
      : undefined;
    if (state.install && action) {
      node.appendChild(renderInstall(state.install, this._tr, action));
    }
    if (!report) {
      return;
    }
    if (state.regression && action) {
      node.appendChild(renderRegression(state.regression, this._tr, action));
    }
    if (state.advice) {
      node.appendChild(renderAdvice(state.advice, this._tr, action));
    }
    const list = document.createElement('dl');
    list.className = 'jp-TorchDoctor-facts';
    list.setAttribute('aria-label', this._tr.__('Facts'));
    for (const fact of summarizeReport(report, this._tr)) {
      appendRow(list, fact.label, fact.value);
    }
    node.appendChild(list);
  }

  /** A button that runs a command; disabled while the command is. */
  private _action(a: IPanelAction): HTMLElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-mod-styled jp-mod-accept jp-TorchDoctor-action';
    button.textContent = a.label;
    const commands = this._commands!;
    button.disabled = !commands.isEnabled(a.command, a.args ?? {});
    button.addEventListener('click', () => {
      void commands.execute(a.command, a.args ?? {});
    });
    return button;
  }

  private _model: ITorchDoctorModel;
  private _commands: CommandRegistry | null;
  private _tr: TranslationBundle;
  private _body: Widget;
}
