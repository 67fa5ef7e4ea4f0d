/**
 * The install flow's questions, asked with JupyterLab's own dialogs and
 * notifications. Without the session-context dialogs token, JupyterLab's
 * default dialogs are used, so a restart is always asked for.
 */
import {
  Dialog,
  Notification,
  SessionContextDialogs,
  showDialog,
  type ISessionContextDialogs
} from '@jupyterlab/apputils';
import type { IConsoleTracker } from '@jupyterlab/console';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';

import { tr } from '../report/message';
import { confirmBody } from './confirm';
import type { IInstallUI } from './flow';
import { hostFor } from './host';
import { previewPlan, type IJobRun, type IPreviewJob } from './preview';

/** What the real UI needs from the application. */
export interface IInstallUIOptions {
  notebooks: INotebookTracker | null;
  consoles: IConsoleTracker | null;
  /** JupyterLab's restart dialog, which honours "do not ask me again". */
  sessionDialogs: ISessionContextDialogs | null;
  translator: ITranslator;
  /** Open a new notebook. */
  newNotebook: () => Promise<unknown>;
  /** Start the preview job in a kernel (src/probe/previewJob.ts); no preview without it. */
  previewJob?: (
    kernel: Kernel.IKernelConnection,
    args: object,
    deadlineS: number
  ) => IJobRun<IPreviewJob>;
}

/** The install flow's UI on JupyterLab's dialogs and notifications. */
export function installUI(o: IInstallUIOptions): IInstallUI {
  const trans = o.translator.load('jupyterlab_torch_doctor');
  const dialogs =
    o.sessionDialogs ?? new SessionContextDialogs({ translator: o.translator });
  const hostOptions = {
    notebooks: o.notebooks,
    consoles: o.consoles,
    dialogs,
    translator: o.translator
  };
  return {
    hostFor: session => hostFor(session, hostOptions),
    preview: (kernel, plan, before) => {
      const start = o.previewJob;
      return start
        ? previewPlan(plan, before, (args, s) => start(kernel, args, s))
        : null;
    },
    confirm: async (plan, text, before, preview) => {
      const answer = await showDialog({
        title: trans.__('Run the install?'),
        body: confirmBody(plan, text, before, trans, preview ?? null),
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: trans.__('Run Install') })
        ]
      });
      return answer.button.accept;
    },
    restart: session => dialogs.restart(session),
    offerNewNotebook: async () => {
      const result = await showDialog({
        title: trans.__('No notebook to install into'),
        body: trans.__(
          'Open a new notebook? Torch Doctor probes its kernel; then choose a plan in the panel.'
        ),
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({ label: trans.__('New Notebook') })
        ]
      });
      if (result.button.accept) {
        await o.newNotebook();
      }
    },
    notify: (level, m) => {
      const text = tr(trans, m);
      if (level === 'error') {
        Notification.error(trans.__('The install failed: %1', text), {
          autoClose: false
        });
      } else {
        Notification[level](text, { autoClose: 5000 });
      }
    }
  };
}
