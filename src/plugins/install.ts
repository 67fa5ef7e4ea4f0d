import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ISessionContextDialogs } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs } from '../commands';
import type { IInstallUI, InstallFlow } from '../install/flow';
import { installParts, IInstallUIProvider } from './installParts';
import { bundleOf, kernelOf as kernelArg } from './shared';
import { startJob } from '../probe/previewJob';
import { ITorchDoctorModel } from '../tokens';

/**
 * The plugin id of the install loop.
 */
export const INSTALL_PLUGIN_ID = 'jupyterlab-torch-doctor:install';

/**
 * Insert → confirm and run → restart → verify, one click at a time.
 */
export const installPlugin: JupyterFrontEndPlugin<IInstallUIProvider> = {
  id: INSTALL_PLUGIN_ID,
  description:
    'Inserts the install cell, runs it on request, restarts and verifies.',
  autoStart: true,
  provides: IInstallUIProvider,
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
  ): IInstallUIProvider => {
    const trans = bundleOf(translator);
    // The UI, the flow and its dialogs load with the first report (or the
    // first command): JupyterLab's start does not wait for them.
    let ui: Promise<IInstallUI> | null = null;
    const provider: IInstallUIProvider = {
      ui: () =>
        (ui ??= installParts().then(parts =>
          parts.installUI({
            notebooks,
            consoles,
            sessionDialogs,
            translator: translator ?? nullTranslator,
            newNotebook: () => app.commands.execute('notebook:create-new'),
            previewJob: (kernel, args, deadlineS) =>
              startJob(kernel, 'preview', args, deadlineS)
          })
        ))
    };
    let flow: InstallFlow | null = null;
    const ready = async (): Promise<InstallFlow> => {
      const [parts, shared] = await Promise.all([
        installParts(),
        provider.ui()
      ]);
      flow ??= new parts.InstallFlow(model, shared);
      return flow;
    };
    model.probed.connect(() => void ready());
    // Commands act on the selected kernel's record unless told another.
    const kernelOf = (args: ReadonlyPartialJSONObject) =>
      kernelArg(model, args);
    const step = (args: ReadonlyPartialJSONObject) => {
      const id = kernelOf(args);
      return (id && model.stateOf(id)?.install?.step) || '';
    };

    app.commands.addCommand(CommandIDs.insertInstallCell, {
      label: args =>
        args['revert']
          ? trans.__('Insert Cell to Go Back to the Verified Build')
          : trans.__('Insert PyTorch Install Cell'),
      caption: trans.__(
        'Insert the recommended %pip install cell below the active cell; nothing runs'
      ),
      isEnabled: args => !!kernelOf(args) && !flow?.isBusy(kernelOf(args)),
      execute: async args =>
        (await ready()).insert(
          args['revert'] ? 'revert' : Number(args['plan'] ?? 0) || 0,
          kernelOf(args)
        )
    });
    app.commands.addCommand(CommandIDs.runInstall, {
      label: trans.__('Run PyTorch Install Cell…'),
      caption: trans.__(
        'Confirm, run the install cell, then restart the kernel and verify'
      ),
      isEnabled: args =>
        ['inserted', 'cancelled', 'failed', 'interrupted'].includes(step(args)),
      execute: async args => (await ready()).run(kernelOf(args))
    });
    app.commands.addCommand(CommandIDs.restartAndVerify, {
      label: trans.__('Restart Kernel and Verify PyTorch…'),
      isEnabled: args => step(args) === 'restart-pending',
      execute: async args => (await ready()).restartAndVerify(kernelOf(args))
    });
    const category = trans.__('Torch Doctor');
    for (const command of [
      CommandIDs.insertInstallCell,
      CommandIDs.runInstall,
      CommandIDs.restartAndVerify
    ]) {
      palette?.addItem({ command, category });
    }
    return provider;
  }
};
