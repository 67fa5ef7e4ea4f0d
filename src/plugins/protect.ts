import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  ICommandPalette,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import type { ExportForm } from '../install/exportForms';
import { canProtect, hasProtection, protectionOf } from '../install/protect';
import type { ProtectFlow } from '../install/protectFlow';
import {
  installParts,
  IInstallUIProvider,
  type InstallParts
} from './installParts';
import { bundleOf, kernelOf as kernelArg } from './shared';
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
  // The install plugin's UI: the same hosts and "new notebook" offer.
  requires: [ITorchDoctorModel, IInstallUIProvider],
  optional: [INotebookTracker, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    install: IInstallUIProvider,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = bundleOf(translator);
    // The flow, the export forms (and with them the release data) load
    // with the first report or the first command. Refused installs matter
    // only once a report shows a protection, so the pip cell watch starts
    // then too.
    let parts: InstallParts | null = null;
    let flow: ProtectFlow | null = null;
    const ready = async (): Promise<ProtectFlow> => {
      const [loaded, base] = await Promise.all([installParts(), install.ui()]);
      parts = loaded;
      if (!flow) {
        flow = new parts.ProtectFlow(
          model,
          parts.protectUI({
            trans,
            hostFor: base.hostFor,
            offerNewNotebook: base.offerNewNotebook
          })
        );
        if (notebooks) {
          parts.watchPipCells(notebooks, flow);
        }
      }
      return flow;
    };
    model.probed.connect(() => void ready());
    const kernelOf = (args: ReadonlyPartialJSONObject) =>
      kernelArg(model, args);
    const stateOf = (args: ReadonlyPartialJSONObject) => {
      const id = kernelOf(args);
      return id ? model.stateOf(id) : null;
    };
    // Before the parts load, a shown report is enough to offer the copy;
    // its command says why when the build cannot be exported.
    const canExport = (args: ReadonlyPartialJSONObject): boolean => {
      const s = stateOf(args);
      if (!parts) {
        return s?.outcome?.kind === 'report';
      }
      return 'pins' in parts.exportBuild(s, model.settings);
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
        canProtect(stateOf(args)).ok && !flow?.isBusy(kernelOf(args)),
      execute: async args => (await ready()).protect(kernelOf(args))
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
          hasProtection(protectionOf(report)) && !flow?.isBusy(kernelOf(args))
        );
      },
      execute: async args => (await ready()).unprotect(kernelOf(args))
    });
    app.commands.addCommand(CommandIDs.copyRequirements, {
      label: trans.__('Copy PyTorch Requirements…'),
      caption: trans.__(
        'The build as pip requirements, a uv project and a conda environment file, with its index'
      ),
      isEnabled: canExport,
      execute: async args => {
        await ready();
        const b = parts!.exportBuild(stateOf(args), model.settings);
        if (!('pins' in b)) {
          Notification.warning(tr(trans, b), { autoClose: 5000 });
          return;
        }
        const form = args['form'] as ExportForm | undefined;
        if (form === 'pip' || form === 'uv' || form === 'conda') {
          copy(parts!.exportText(form, b));
          return;
        }
        await showDialog({
          title: trans.__('Requirements for this build'),
          body: parts!.exportBody(b, trans, copy),
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
