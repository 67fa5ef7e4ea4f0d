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
import { renderCudaLibs } from './cudaLibsView';
import { appendRow, el } from '../dom';
import { stateLine, summarizeReport } from './facts';
import {
  renderInstall,
  renderRegression,
  type IPanelAction
} from './installView';
import { ViewKeeper } from './keep';
import { renderProtect } from './protectView';

/**
 * The id of the sidebar panel (also its tab's id).
 */
export const PANEL_ID = 'jp-TorchDoctor-panel';

/** The panel's sections, in order; each updates in place. */
const SECTIONS = [
  'install',
  'regression',
  'protect',
  'advice',
  'cudaLibs',
  'facts'
] as const;
type Section = (typeof SECTIONS)[number];

/**
 * The right-sidebar panel. Every kernel-provided string is set through
 * textContent, never as HTML.
 *
 * The DOM is a stable skeleton: a kernel line, a state line (the only live
 * region: one short sentence per change) and sections. A section is rebuilt
 * only when its inputs change, keeping focus, open findings and scroll.
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

    const header = el(
      'h2',
      'jp-TorchDoctor-title',
      this._tr.__('Torch Doctor')
    );
    this.header.addWidget(new Widget({ node: header }));

    this._body = new Widget();
    this._body.addClass('jp-TorchDoctor-body');
    this._body.node.setAttribute('role', 'region');
    this._body.node.setAttribute('aria-label', this._tr.__('Torch Doctor'));
    this._kernel = el('div', 'jp-TorchDoctor-kernel');
    this._state = el('div', 'jp-TorchDoctor-state');
    this._state.setAttribute('role', 'status');
    this._state.setAttribute('aria-live', 'polite');
    this._state.setAttribute('aria-atomic', 'true');
    this._body.node.append(this._kernel, this._state);
    const labels: { [s in Section]: string } = {
      install: this._tr.__('Install'),
      regression: this._tr.__('Build changed'),
      protect: this._tr.__('Protection'),
      advice: this._tr.__('Advice'),
      cudaLibs: this._tr.__('CUDA libraries'),
      facts: this._tr.__('Facts')
    };
    for (const name of SECTIONS) {
      const slot = el('div', `jp-TorchDoctor-section`);
      slot.dataset.section = name;
      slot.tabIndex = -1; // focus lands here when its button goes away
      slot.setAttribute('aria-label', labels[name]);
      this._slots[name] = slot;
      this._body.node.appendChild(slot);
    }
    this.addWidget(this._body);
    this._keeper = new ViewKeeper(this.node);

    this._model.stateChanged.connect(this._render, this);
    this._commands?.commandChanged.connect(this._refreshButtons, this);
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
    this._commands?.commandChanged.disconnect(this._refreshButtons, this);
    super.dispose();
  }

  private _render(): void {
    const state: IProbeState = this._model.state;
    const trans = this._tr;
    const report =
      state.outcome?.kind === 'report' ? state.outcome.report : null;

    setText(
      this._kernel,
      !state.kernelDisplayName
        ? ''
        : report
          ? trans.__(
              'Kernel: %1 on %2',
              state.kernelDisplayName,
              report.environment.hostname
            )
          : trans.__('Kernel: %1', state.kernelDisplayName)
    );
    this._kernel.hidden = !state.kernelDisplayName;
    const line = stateLine(state, trans);
    if (this._state.dataset.state !== line.kind) {
      this._state.dataset.state = line.kind;
    }
    // Unchanged text is not set again: a screen reader would repeat it.
    setText(this._state, line.text);

    const action = this._commands
      ? (a: IPanelAction) => this._action(a)
      : undefined;
    this._keeper.keep(() => {
      this._section('install', [state.install, !!action], () =>
        state.install && action
          ? [renderInstall(state.install, trans, action)]
          : []
      );
      this._section('regression', [state.regression, report, !!action], () =>
        report && state.regression && action
          ? [renderRegression(state.regression, trans, action)]
          : []
      );
      this._section(
        'protect',
        [
          report,
          state.protect,
          state.install,
          state.regression,
          state.advice,
          !!action
        ],
        () => {
          const box =
            action && report ? renderProtect(state, trans, action) : null;
          return box ? [box] : [];
        }
      );
      const live = state.live;
      this._section(
        'advice',
        [state.advice, report, !!action, live?.phase, live?.message],
        () =>
          report && state.advice
            ? [renderAdvice(state.advice, trans, action, live)]
            : []
      );
      // A report the engine found malformed has no facts to list.
      const valid =
        report && !state.advice?.findings.some(f => f.id === 'report-invalid');
      const installed = ['verified', 'not-verified'].includes(
        state.install?.step ?? ''
      );
      this._section(
        'cudaLibs',
        [valid ? state.advice?.cudaLibs : null, installed, !!action],
        () => {
          const libs = valid ? (state.advice?.cudaLibs ?? null) : null;
          const box = libs
            ? renderCudaLibs(libs, trans, { action, afterInstall: installed })
            : null;
          return box ? [box] : [];
        }
      );
      this._section('facts', [valid ? report : null], () => {
        if (!valid) {
          return [];
        }
        const list = el('dl', 'jp-TorchDoctor-facts');
        list.setAttribute('aria-label', trans.__('Facts'));
        for (const fact of summarizeReport(report, trans)) {
          appendRow(list, fact.label, fact.value);
        }
        return [list];
      });
    });
    this._refreshButtons();
  }

  /** Rebuild a section when one of its inputs changed (by identity). */
  private _section(
    name: Section,
    inputs: unknown[],
    build: () => HTMLElement[]
  ): void {
    const last = this._inputs.get(name);
    if (last && last.every((x, i) => x === inputs[i])) {
      return;
    }
    this._inputs.set(name, inputs);
    const slot = this._slots[name];
    const content = build();
    slot.replaceChildren(...content);
    slot.hidden = content.length === 0;
  }

  /** A button that runs a command; disabled while the command is. */
  private _action(a: IPanelAction): HTMLElement {
    const button = el(
      'button',
      'jp-mod-styled jp-mod-accept jp-TorchDoctor-action',
      a.label
    );
    button.type = 'button';
    button.dataset.key =
      a.key ?? `${a.command} ${JSON.stringify(a.args ?? {})}`;
    this._actions.set(button, a);
    const commands = this._commands!;
    button.disabled = !commands.isEnabled(a.command, a.args ?? {});
    button.addEventListener('click', () => {
      void commands.execute(a.command, a.args ?? {});
    });
    return button;
  }

  /** Buttons outlive renders: their enabled state follows the commands. */
  private _refreshButtons(): void {
    const commands = this._commands;
    if (!commands) {
      return;
    }
    for (const button of Array.from(
      this.node.querySelectorAll<HTMLButtonElement>(
        'button.jp-TorchDoctor-action'
      )
    )) {
      const a = this._actions.get(button);
      const disabled = !!a && !commands.isEnabled(a.command, a.args ?? {});
      if (button.disabled !== disabled) {
        button.disabled = disabled;
      }
    }
  }

  private _model: ITorchDoctorModel;
  private _commands: CommandRegistry | null;
  private _tr: TranslationBundle;
  private _body: Widget;
  private _kernel: HTMLElement;
  private _state: HTMLElement;
  private _slots = {} as { [s in Section]: HTMLElement };
  private _inputs = new Map<Section, unknown[]>();
  private _actions = new WeakMap<HTMLButtonElement, IPanelAction>();
  private _keeper: ViewKeeper;
}

/** Set an element's text only when it differs. */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}
