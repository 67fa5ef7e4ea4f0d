import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { insertCell } from '../install/insert';
import { ITorchDoctorModel } from '../tokens';
import { bundleOf, kernelOf } from './shared';

/**
 * The fix cell of a CUDA library finding, inserted below the active cell of
 * the kernel's notebook on the user's click. Nothing runs: the user reads
 * the cell and runs it.
 */
export const cudaFixPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-torch-doctor:cuda-fix',
  description: 'Inserts the fix cell of a CUDA library finding.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [INotebookTracker, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    notebooks: INotebookTracker | null,
    translator: ITranslator | null
  ): void => {
    const trans = bundleOf(translator);
    const target = (args: { [key: string]: unknown }) => {
      const id = kernelOf(model, args);
      const state = id ? model.stateOf(id) : null;
      const report =
        state?.outcome?.kind === 'report' ? state.outcome.report : null;
      const n = Number(args['finding']);
      const f =
        report && Number.isInteger(n)
          ? state?.advice?.cudaLibs?.findings[n]
          : undefined;
      const session = id ? model.sessionOf(id) : null;
      const panel = session
        ? (notebooks?.find(w => w.sessionContext === session) ?? null)
        : null;
      return { cell: f?.cell ?? null, panel };
    };
    app.commands.addCommand(CommandIDs.insertCudaFix, {
      label: trans.__('Insert Fix Cell'),
      caption: trans.__(
        'Insert the fix cell of this CUDA library finding below the active cell; nothing runs'
      ),
      isEnabled: args => !!target(args).cell,
      execute: args => {
        const t = target(args);
        if (!t.cell) {
          return;
        }
        if (!t.panel || t.panel.isDisposed) {
          Notification.warning(
            trans.__('Open this kernel’s notebook to insert the fix cell.'),
            { autoClose: 5000 }
          );
          return;
        }
        insertCell(t.panel, t.cell, 'install');
      }
    });
  }
};
