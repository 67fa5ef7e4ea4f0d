import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ISessionContextDialogs } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { InstallFlow } from '../install/flow';
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
    const flow = new InstallFlow({
      model,
      notebooks,
      consoles,
      sessionDialogs,
      trans,
      newNotebook: () => app.commands.execute('notebook:create-new')
    });
    const step = () => model.state.install?.step;
    const busy = () =>
      ['running', 'restarting', 'verifying'].includes(step() ?? '');

    app.commands.addCommand(CommandIDs.insertInstallCell, {
      label: args =>
        args['revert']
          ? trans.__('Insert Cell to Go Back to the Verified Build')
          : trans.__('Insert PyTorch Install Cell'),
      caption: trans.__(
        'Insert the recommended %pip install cell below the active cell; nothing runs'
      ),
      isEnabled: () => !busy(),
      execute: args =>
        flow.insert(args['revert'] ? 'revert' : Number(args['plan'] ?? 0) || 0)
    });
    app.commands.addCommand(CommandIDs.runInstall, {
      label: trans.__('Run PyTorch Install Cell…'),
      caption: trans.__(
        'Confirm, run the install cell, then restart the kernel and verify'
      ),
      isEnabled: () =>
        ['inserted', 'cancelled', 'failed'].includes(step() ?? ''),
      execute: () => flow.run()
    });
    app.commands.addCommand(CommandIDs.restartAndVerify, {
      label: trans.__('Restart Kernel and Verify PyTorch…'),
      isEnabled: () => step() === 'restart-pending',
      execute: () => flow.restartAndVerify()
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
