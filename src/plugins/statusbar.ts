import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { TorchStatusItem } from '../status/statusItem';
import { ITorchDoctorModel } from '../tokens';

/**
 * The plugin id of the status-bar item.
 */
export const STATUS_PLUGIN_ID = 'jupyterlab-torch-doctor:status-item';

/**
 * Shows the active kernel's torch build and GPU fit in the status bar; a
 * click opens the panel. Hidden with no kernel or when the setting is off.
 */
export const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: STATUS_PLUGIN_ID,
  description: 'The Torch Doctor status-bar item.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [IStatusBar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    statusBar: IStatusBar | null,
    translator: ITranslator | null
  ): void => {
    if (!statusBar) {
      // Notebook 7's tree page and other shells have no status bar.
      return;
    }
    const item = new TorchStatusItem({
      model,
      translator: translator ?? undefined,
      onOpen: () => void app.commands.execute(CommandIDs.openPanel)
    });
    statusBar.registerStatusItem(STATUS_PLUGIN_ID, {
      item,
      align: 'left',
      rank: 5,
      isActive: () => item.isActive,
      activeStateChanged: item.activeStateChanged
    });
  }
};
