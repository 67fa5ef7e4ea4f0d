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
import type { InstallFlow } from '../install/flow';
import { installParts } from './installParts';
import { startJob } from '../probe/previewJob';
import { ITorchDoctorModel } from '../tokens';

/**
 * The plugin id of the install loop.
 */
export const INSTALL_PLUGIN_ID = 'jupyterlab-torch-doctor:install';

/**
 * Insert → confirm and run → restart → verify, one click at a time.
 */
export const installPlugin: JupyterFrontEndPlugin<void> = {
  id: INSTALL_PLUGIN_ID,
  description:
    'Inserts the install cell, runs it on request, restarts and verifies.',
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
    // The flow and its dialogs load with the first report (or the first
    // command): JupyterLab's start does not wait for them.
    let flow: InstallFlow | null = null;
    const ready = async (): Promise<InstallFlow> => {
      const parts = await installParts();
      flow ??= new parts.InstallFlow(
        model,
        parts.installUI({
          notebooks,
          consoles,
          sessionDialogs,
          translator: translator ?? nullTranslator,
          newNotebook: () => app.commands.execute('notebook:create-new'),
          previewJob: (kernel, args, deadlineS) =>
            startJob(kernel, 'preview', args, deadlineS)
        })
      );
      return flow;
    };
    model.probed.connect(() => void ready());
    // Commands act on the selected kernel's record unless told another.
    const kernelOf = (args: ReadonlyPartialJSONObject) =>
      typeof args['kernelId'] === 'string' ? args['kernelId'] : model.selected;
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
  }
};
