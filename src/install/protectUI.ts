/**
 * Protect's and Unprotect's questions, asked with JupyterLab's dialogs: the
 * cell, the environment, and the two files it writes or removes.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { appendRow, el } from '../dom';
import { tr } from '../report/message';
import type { IProbeReport } from '../report/types';
import type { IInstallHost } from './host';
import { protectionOf } from './protect';
import type { IProtectUI } from './protectFlow';

/** What the real UI needs from the application. */
export interface IProtectUIOptions {
  trans: TranslationBundle;
  hostFor: IProtectUI['hostFor'];
  /** Offer a new notebook (the install flow's dialog). */
  offerNewNotebook: () => Promise<void>;
}

/** The confirmation's body: text only, every value may come from the kernel. */
export function protectConfirmBody(
  action: 'protect' | 'unprotect',
  cell: string,
  report: IProbeReport,
  trans: TranslationBundle
): Widget {
  const node = el('div', 'jp-TorchDoctor-confirm');
  node.appendChild(el('pre', 'jp-TorchDoctor-cell', cell));
  const list = el('dl', 'jp-TorchDoctor-facts');
  appendRow(list, trans.__('Environment'), report.python.prefix);
  const prot = protectionOf(report);
  if (prot) {
    appendRow(list, trans.__('Pins file'), prot.file);
    appendRow(list, trans.__('pip config'), prot.config);
  }
  node.appendChild(list);
  node.appendChild(
    el(
      'p',
      '',
      action === 'protect'
        ? trans.__(
            'It writes only inside this environment and keeps everything its pip config holds. Your user and system pip configuration are not touched. It refuses a config that is a link, lies outside the environment or is read-only, and on any error it changes nothing.'
          )
        : trans.__(
            'It removes only what Protect added: the pins file’s name in the pip config (with the setting or section Protect made, once nothing of yours is left in it) and the pins file. On any error it changes nothing.'
          )
    )
  );
  return new Widget({ node });
}

/** The flow's UI on JupyterLab's dialogs and notifications. */
export function protectUI(o: IProtectUIOptions): IProtectUI {
  const trans = o.trans;
  return {
    hostFor: (session): IInstallHost | null => o.hostFor(session),
    confirm: async (action, cell, report) => {
      const answer = await showDialog({
        title:
          action === 'protect'
            ? trans.__('Protect this build?')
            : trans.__('Remove the protection?'),
        body: protectConfirmBody(action, cell, report, trans),
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({
            label:
              action === 'protect' ? trans.__('Protect') : trans.__('Unprotect')
          })
        ]
      });
      return answer.button.accept;
    },
    offerNewNotebook: o.offerNewNotebook,
    notify: (level, m) => {
      Notification[level](tr(trans, m), { autoClose: 5000 });
    }
  };
}
