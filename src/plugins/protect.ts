import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  ICommandPalette,
  ISessionContextDialogs,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import {
  exportBuild,
  exportText,
  type ExportForm,
  type IExportBuild
} from '../install/exportForms';
import { canProtect, hasProtection, protectionOf } from '../install/protect';
import { ProtectFlow } from '../install/protectFlow';
import { protectUI } from '../install/protectUI';
import { installUI } from '../install/ui';
import { watchPipCells } from '../install/watch';
import { exportBody } from '../panel/exportView';
import { tr } from '../report/message';
import { ITorchDoctorModel } from '../tokens';

/**
 * The plugin id of Protect, Unprotect and Copy Requirements.
 */
export const PROTECT_PLUGIN_ID = 'jupyterlab-torch-doctor:protect';

/**
 * Keep a good build: protect it in its environment against the next pip
 * install (visible cells, run after confirmation), explain a refused
 * install, and export the build for reproduction.
 */
export const protectPlugin: JupyterFrontEndPlugin<void> = {
  id: PROTECT_PLUGIN_ID,
  description:
    'Protects a verified build against later pip installs and exports it as requirements.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [
    INotebookTracker,
    IConsoleTracker,
    ISessionContextDialogs,
    ICommandPalette,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null,
    sessionDialogs: ISessionContextDialogs | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_torch_doctor'
    );
    // The install flow's hosts and "new notebook" offer, shared.
    const base = installUI({
      notebooks,
      consoles,
      sessionDialogs,
      translator: translator ?? nullTranslator,
      newNotebook: () => app.commands.execute('notebook:create-new')
    });
    const flow = new ProtectFlow(
      model,
      protectUI({
        trans,
        hostFor: base.hostFor,
        offerNewNotebook: base.offerNewNotebook
      })
    );
    if (notebooks) {
      watchPipCells(notebooks, flow);
    }
    const kernelOf = (args: ReadonlyPartialJSONObject) =>
      typeof args['kernelId'] === 'string' ? args['kernelId'] : model.selected;
    const stateOf = (args: ReadonlyPartialJSONObject) => {
      const id = kernelOf(args);
      return id ? model.stateOf(id) : null;
    };
    const buildOf = (args: ReadonlyPartialJSONObject): IExportBuild | null => {
      const b = exportBuild(stateOf(args), model.settings);
      return 'pins' in b ? b : null;
    };
    const copy = (text: string) => {
      Clipboard.copyToSystem(text);
      Notification.success(trans.__('Copied.'), { autoClose: 2000 });
    };

    app.commands.addCommand(CommandIDs.protectBuild, {
      label: trans.__('Protect This PyTorch Build…'),
      caption: trans.__(
        'Insert a cell that pins this build in its environment, so that a later pip install cannot replace it; it runs after you confirm'
      ),
      isEnabled: args =>
        canProtect(stateOf(args)).ok && !flow.isBusy(kernelOf(args)),
      execute: args => flow.protect(kernelOf(args))
    });
    app.commands.addCommand(CommandIDs.unprotectBuild, {
      label: trans.__('Remove the PyTorch Build Protection…'),
      caption: trans.__(
        'Insert a cell that removes exactly what Protect added; it runs after you confirm'
      ),
      isEnabled: args => {
        const s = stateOf(args);
        const report = s?.outcome?.kind === 'report' ? s.outcome.report : null;
        return (
          hasProtection(protectionOf(report)) && !flow.isBusy(kernelOf(args))
        );
      },
      execute: args => flow.unprotect(kernelOf(args))
    });
    app.commands.addCommand(CommandIDs.copyRequirements, {
      label: trans.__('Copy PyTorch Requirements…'),
      caption: trans.__(
        'The build as pip requirements, a uv project and a conda environment file, with its index'
      ),
      isEnabled: args => !!buildOf(args),
      execute: async args => {
        const b = exportBuild(stateOf(args), model.settings);
        if (!('pins' in b)) {
          Notification.warning(tr(trans, b), { autoClose: 5000 });
          return;
        }
        const form = args['form'] as ExportForm | undefined;
        if (form === 'pip' || form === 'uv' || form === 'conda') {
          copy(exportText(form, b));
          return;
        }
        await showDialog({
          title: trans.__('Requirements for this build'),
          body: exportBody(b, trans, copy),
          buttons: [Dialog.okButton({ label: trans.__('Close') })]
        });
      }
    });
    const category = trans.__('Torch Doctor');
    for (const command of [
      CommandIDs.protectBuild,
      CommandIDs.unprotectBuild,
      CommandIDs.copyRequirements
    ]) {
      palette?.addItem({ command, category });
    }
  }
};
