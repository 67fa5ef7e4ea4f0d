import type { TranslationBundle } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import type { IInstallStatus, IRegression } from '../install/types';
import { el } from '../dom';
import { tr } from '../report/message';
import { renderProgress } from './progressView';

/** An action button of the panel. */
export interface IPanelAction {
  label: string;
  /**
   * The button's stable key, to keep focus on it across re-renders; by
   * default the command and its arguments.
   */
  key?: string;
  /** The command to run and its arguments. */
  command: string;
  args?: { [key: string]: number | string | boolean };
}

/** Renders an action button; the panel decides what it runs. */
export type ActionRenderer = (action: IPanelAction) => HTMLElement;

/** The before/after table of a verification. */
function table(status: IInstallStatus, trans: TranslationBundle): HTMLElement {
  const t = el('table', 'jp-TorchDoctor-table');
  const head = t.createTHead().insertRow();
  for (const h of [
    trans.__('Package'),
    trans.__('Before'),
    trans.__('Planned'),
    trans.__('After')
  ]) {
    const th = el('th', '', h);
    th.scope = 'col';
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const r of status.table) {
    const tr = body.insertRow();
    tr.dataset.ok = r.ok === null ? 'unknown' : String(r.ok);
    for (const v of [r.name, r.before, r.expected, r.after]) {
      tr.insertCell().textContent = v ?? '—';
    }
  }
  return t;
}

/**
 * The install section: the step, its reasons, the before/after table and
 * the next action. Not a live region: the panel's state line announces.
 */
export function renderInstall(
  status: IInstallStatus,
  trans: TranslationBundle,
  action: ActionRenderer
): HTMLElement {
  const box = el('section', 'jp-TorchDoctor-install');
  box.dataset.step = status.step;
  box.setAttribute('aria-label', trans.__('Install'));
  box.appendChild(
    el('h3', 'jp-TorchDoctor-heading', tr(trans, status.plan.title))
  );
  box.appendChild(
    el('div', 'jp-TorchDoctor-installMessage', tr(trans, status.message))
  );
  if (
    status.progress &&
    (status.step === 'running' || status.step === 'failed')
  ) {
    box.appendChild(
      renderProgress(status.progress, trans, status.step === 'failed')
    );
  }
  if (status.reasons.length) {
    const list = el('ul', 'jp-TorchDoctor-reasons');
    status.reasons.forEach(r => list.appendChild(el('li', '', tr(trans, r))));
    box.appendChild(list);
  }
  if (status.table.length) {
    box.appendChild(table(status, trans));
  }
  const t = status.timings;
  const parts = [
    t.pip !== undefined
      ? trans.__(
          '%1 %2 s',
          status.plan.installer?.tool ?? 'pip',
          (t.pip / 1000).toFixed(1)
        )
      : '',
    t.restart !== undefined
      ? trans.__('restart %1 s', (t.restart / 1000).toFixed(1))
      : '',
    t.verify !== undefined
      ? trans.__('verification %1 s', (t.verify / 1000).toFixed(1))
      : ''
  ].filter(Boolean);
  if (parts.length) {
    box.appendChild(
      el('div', 'jp-TorchDoctor-installTimings', parts.join(' · '))
    );
  }
  const next: { [step: string]: IPanelAction } = {
    inserted: {
      label: trans.__('Run Install…'),
      command: CommandIDs.runInstall
    },
    cancelled: {
      label: trans.__('Run Install…'),
      command: CommandIDs.runInstall
    },
    failed: {
      label: trans.__('Run Install Again…'),
      command: CommandIDs.runInstall
    },
    interrupted: {
      label: trans.__('Run Install Again…'),
      command: CommandIDs.runInstall
    },
    'restart-pending': {
      label: trans.__('Restart and Verify…'),
      command: CommandIDs.restartAndVerify
    }
  };
  if (next[status.step]) {
    // One key for the next step's button: focus stays on it from
    // "Run Install…" to "Restart and Verify…".
    box.appendChild(action({ ...next[status.step], key: 'install:next' }));
  }
  return box;
}

/**
 * The regression guard's warning: the verified build changed, with the
 * one-click way back. The state line announces it.
 */
export function renderRegression(
  reg: IRegression,
  trans: TranslationBundle,
  action: ActionRenderer
): HTMLElement {
  const box = el('section', 'jp-TorchDoctor-regression');
  box.setAttribute('aria-label', trans.__('Build changed'));
  box.appendChild(
    el(
      'div',
      'jp-TorchDoctor-regressionText',
      trans.__(
        '⚠ This kernel’s build changed since it was verified on %1:',
        new Date(reg.verified.at).toLocaleString()
      )
    )
  );
  const list = el('ul', 'jp-TorchDoctor-reasons');
  for (const c of reg.changes) {
    list.appendChild(
      el(
        'li',
        '',
        trans.__(
          '%1: %2 → %3',
          c.name,
          c.verified,
          c.now ?? trans.__('not installed')
        )
      )
    );
  }
  box.appendChild(list);
  box.appendChild(
    action({
      label: trans.__('Insert Cell to Go Back'),
      command: CommandIDs.insertInstallCell,
      args: { revert: true }
    })
  );
  return box;
}
