import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  createToolbarFactory,
  IToolbarWidgetRegistry,
  setToolbar
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { torchDoctorIcon } from '../icons';
import { TorchDoctorPanel } from '../panel/panel';
import { ITorchDoctorModel } from '../tokens';

/**
 * The plugin id; schema/sidebar.json declares its toolbar and menu items.
 */
export const SIDEBAR_PLUGIN_ID = 'jupyterlab-torch-doctor:sidebar';

/**
 * Adds the Torch Doctor panel to the right sidebar.
 */
export const sidebarPlugin: JupyterFrontEndPlugin<void> = {
  id: SIDEBAR_PLUGIN_ID,
  description: 'The Torch Doctor panel in the right sidebar.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [
    ILabShell,
    ILayoutRestorer,
    IToolbarWidgetRegistry,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    settingRegistry: ISettingRegistry | null,
    translator: ITranslator | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_torch_doctor');
    const panel = new TorchDoctorPanel({
      model,
      translator,
      commands: app.commands
    });

    if (toolbarRegistry && settingRegistry) {
      // Toolbar items are declared in schema/sidebar.json.
      const factory = createToolbarFactory(
        toolbarRegistry,
        settingRegistry,
        'TorchDoctor',
        SIDEBAR_PLUGIN_ID,
        translator
      );
      setToolbar(panel, factory, panel.toolbar);
    }

    app.shell.add(panel, 'right', { rank: 650, type: 'Torch Doctor' });
    restorer?.add(panel, 'torch-doctor');

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open Torch Doctor'),
      caption: trans.__('Show the Torch Doctor panel'),
      icon: args => (args['isPalette'] ? undefined : torchDoctorIcon),
      execute: () => {
        if (labShell) {
          labShell.activateById(panel.id);
        } else {
          app.shell.activateById(panel.id);
        }
      }
    });
  }
};
