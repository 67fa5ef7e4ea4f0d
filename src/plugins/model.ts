import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  Notification,
  type ISessionContext
} from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator } from '@jupyterlab/translation';
import type { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { TorchDoctorModel } from '../model/model';
import { reportText } from '../panel/reportText';
import { readSettings } from '../settings';
import { ITorchDoctorModel } from '../tokens';
import { bundleOf } from './shared';

/**
 * The plugin id; schema/plugin.json holds its settings.
 */
export const MODEL_PLUGIN_ID = 'jupyterlab-torch-doctor:plugin';

/**
 * Provides the shared model, follows the active notebook or console, and
 * adds the probe commands.
 */
export const modelPlugin: JupyterFrontEndPlugin<ITorchDoctorModel> = {
  id: MODEL_PLUGIN_ID,
  description:
    'Probes the active kernel for its torch build and the hardware it can see.',
  autoStart: true,
  provides: ITorchDoctorModel,
  optional: [
    INotebookTracker,
    IConsoleTracker,
    ISettingRegistry,
    ICommandPalette,
    ITranslator,
    IStateDB
  ],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    stateDB: IStateDB | null
  ): ITorchDoctorModel => {
    const trans = bundleOf(translator);
    const model = new TorchDoctorModel({}, { state: stateDB });

    // Follow the widget the user works in; a sidebar or launcher keeps the
    // last notebook or console as the target.
    const follow = (widget: Widget | null) => {
      const context = Private.sessionOf(widget, notebooks, consoles);
      if (context) {
        model.setTarget(context);
      } else if (model.target?.isDisposed) {
        model.setTarget(null);
      }
    };
    app.shell.currentChanged?.connect((_, args) => follow(args.newValue));
    notebooks?.currentChanged.connect((_, w) => follow(w));
    consoles?.currentChanged.connect((_, w) => follow(w));
    void app.restored.then(() => follow(app.shell.currentWidget));

    const hasKernel = () => !!model.target?.session?.kernel;
    app.commands.addCommand(CommandIDs.probe, {
      label: trans.__('Probe Kernel for PyTorch'),
      caption: trans.__(
        'Check the torch build and GPUs of the active kernel (no torch import)'
      ),
      isEnabled: hasKernel,
      execute: () => model.probe()
    });
    app.commands.addCommand(CommandIDs.deepCheck, {
      label: trans.__('Deep Check PyTorch in Kernel'),
      caption: trans.__(
        'Import torch in a subprocess of the kernel’s Python and run a tiny op on each device'
      ),
      isEnabled: hasKernel,
      execute: () => model.probe({ deep: true })
    });
    app.commands.addCommand(CommandIDs.copyReport, {
      label: trans.__('Copy Torch Doctor Report'),
      caption: trans.__(
        'Copy a plain-text report of the kernel for a bug report'
      ),
      isEnabled: () => !['no-kernel', 'gone'].includes(model.state.phase),
      execute: () => {
        Clipboard.copyToSystem(reportText(model.state, trans));
        Notification.success(trans.__('Torch Doctor report copied.'), {
          autoClose: 3000
        });
      }
    });
    model.stateChanged.connect(() => app.commands.notifyCommandChanged());
    const category = trans.__('Torch Doctor');
    for (const command of [
      CommandIDs.probe,
      CommandIDs.deepCheck,
      CommandIDs.copyReport
    ]) {
      palette?.addItem({ command, category });
    }

    if (settingRegistry) {
      settingRegistry
        .load(MODEL_PLUGIN_ID)
        .then(settings => {
          const apply = () =>
            model.updateSettings(readSettings(settings.composite));
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error(
            'Failed to load settings for jupyterlab-torch-doctor.',
            reason
          );
        });
    }
    return model;
  }
};

namespace Private {
  export function sessionOf(
    widget: Widget | null,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null
  ): ISessionContext | null {
    if (!widget) {
      return null;
    }
    if (notebooks?.has(widget)) {
      return notebooks.find(w => w === widget)?.sessionContext ?? null;
    }
    if (consoles?.has(widget)) {
      return consoles.find(w => w === widget)?.sessionContext ?? null;
    }
    return null;
  }
}
