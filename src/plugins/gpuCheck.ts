import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { ITranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { el } from '../dom';
import {
  GPU_CHECK_DEADLINE_S,
  GPU_CHECK_EACH_S,
  gpuFrameworks,
  readGpuCheck
} from '../install/gpuCheck';
import { startJob } from '../probe/previewJob';
import { tr } from '../report/message';
import { ITorchDoctorModel } from '../tokens';
import { bundleOf } from './shared';

/**
 * The optional check after an install, on the user's click only: each
 * framework with GPU packages (JAX, CuPy) is asked in a subprocess of the
 * kernel's interpreter, with a deadline, whether it still sees the GPU.
 */
export const gpuCheckPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-torch-doctor:gpu-check',
  description: 'Asks JAX and CuPy whether they still see the GPU.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = bundleOf(translator);
    const running = new Set<string>();
    const target = (kernelId: unknown) => {
      const id = typeof kernelId === 'string' ? kernelId : model.selected;
      const state = id ? model.stateOf(id) : null;
      const report =
        state?.outcome?.kind === 'report' ? state.outcome.report : null;
      return { id, report, frameworks: report ? gpuFrameworks(report) : [] };
    };
    app.commands.addCommand(CommandIDs.checkFrameworksGpu, {
      label: trans.__('Check That JAX and CuPy Still See the GPU'),
      isEnabled: args => {
        const t = target(args['kernelId']);
        return !!t.id && t.frameworks.length > 0 && !running.has(t.id);
      },
      execute: async args => {
        const t = target(args['kernelId']);
        const kernel = t.id ? model.sessionOf(t.id)?.session?.kernel : null;
        if (!t.id || !kernel || !t.frameworks.length) {
          return;
        }
        running.add(t.id);
        app.commands.notifyCommandChanged(CommandIDs.checkFrameworksGpu);
        try {
          const job = await startJob(
            kernel,
            'gpucheck',
            { frameworks: t.frameworks, timeout: GPU_CHECK_EACH_S },
            GPU_CHECK_DEADLINE_S
          ).result;
          const body = el('ul', 'jp-TorchDoctor-gpuCheck');
          for (const row of await readGpuCheck(job, t.frameworks)) {
            const item = el('li', '', tr(trans, row.message));
            item.dataset.gpu = String(row.gpu);
            body.appendChild(item);
          }
          await showDialog({
            title: trans.__('Do the other frameworks still see the GPU?'),
            body: new Widget({ node: body }),
            buttons: [Dialog.okButton()]
          });
        } finally {
          running.delete(t.id);
          app.commands.notifyCommandChanged(CommandIDs.checkFrameworksGpu);
        }
      }
    });
    palette?.addItem({
      command: CommandIDs.checkFrameworksGpu,
      category: trans.__('Torch Doctor')
    });
  }
};
