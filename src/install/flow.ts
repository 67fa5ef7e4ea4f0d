/**
 * The install loop: insert the cell, run it after the user's click, read
 * pip's result, restart after confirmation, and verify with the deep check.
 * Every step that runs code or restarts waits for a click; cancelling leaves
 * the notebook as it was.
 */
import {
  Dialog,
  Notification,
  showDialog,
  type ISessionContext
} from '@jupyterlab/apputils';
import { CodeCell } from '@jupyterlab/cells';
import type { IConsoleTracker } from '@jupyterlab/console';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IPlan } from '../advice/types';
import type { IProbeReport } from '../report/types';
import type { ITorchDoctorModel } from '../tokens';
import { confirmBody } from './confirm';
import { findCell, hostOf, insertCell, outputText } from './insert';
import { msg, tr, type IMessage } from '../report/message';
import { pipReasons, readPipResult } from './pipResult';
import type { IInstallStatus, InstallStep } from './types';
import { revertPlan, unanswered, verifiedBuild, verifyInstall } from './verify';

/** What the flow needs from the application. */
export interface IInstallFlowOptions {
  model: ITorchDoctorModel;
  notebooks: INotebookTracker | null;
  consoles: IConsoleTracker | null;
  /** JupyterLab's restart dialog, which honours "do not ask me again". */
  sessionDialogs: ISessionContext.IDialogs | null;
  trans: TranslationBundle;
  /** Open a new notebook, when none is open to install into. */
  newNotebook: () => Promise<unknown>;
}

/** One install in progress for a kernel. */
interface IPending {
  plan: IPlan;
  /** The inserted cell's id (notebooks), or null (consoles inject on run). */
  cellId: string | null;
  /** The report the plan was made from. */
  before: IProbeReport;
  /** The cell text that ran. */
  ran: string | null;
  /** pip's warnings about other packages, from a successful install. */
  pipWarnings: IMessage[];
  /** Step durations in milliseconds. */
  timings: IInstallStatus['timings'];
}

/**
 * Runs the install loop for the model's current kernel.
 */
export class InstallFlow {
  /** Create the flow. */
  constructor(options: IInstallFlowOptions) {
    this._o = options;
  }

  /**
   * Insert the cell of a plan (by index among the advice's plans, or the
   * regression guard's way back) below the active cell. Nothing runs.
   */
  async insert(which: number | 'revert' = 0): Promise<boolean> {
    const { model, trans } = this._o;
    const state = model.state;
    const host = hostOf(model.target, this._o.notebooks, this._o.consoles);
    if (!host || !state.kernelId) {
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
        await this._o.newNotebook();
      }
      return false;
    }
    const report =
      state.outcome?.kind === 'report' ? state.outcome.report : null;
    let plan: IPlan | undefined;
    if (which === 'revert') {
      plan =
        state.regression && report
          ? revertPlan(state.regression, report)
          : undefined;
    } else {
      plan = state.advice?.plans[which];
    }
    if (!report || !plan?.cell) {
      Notification.warning(
        trans.__(
          'There is no install plan for this kernel yet: probe it first.'
        ),
        { autoClose: 5000 }
      );
      return false;
    }
    const cellId =
      host.kind === 'notebook' ? insertCell(host.panel, plan.cell) : null;
    this._pending.set(state.kernelId, {
      plan,
      cellId,
      before: report,
      ran: null,
      pipWarnings: [],
      timings: {}
    });
    this._set(
      state.kernelId,
      'inserted',
      cellId
        ? msg(
            'The install cell is below the active cell. Edit it if you like, then run the install.'
          )
        : msg(
            'Run the install to send the code to the console. Nothing runs before.'
          )
    );
    return true;
  }

  /**
   * Confirm and run the install, then restart and verify. Resolves with the
   * final status, or null when there was nothing to run.
   */
  async run(): Promise<IInstallStatus | null> {
    const { model, trans } = this._o;
    const kernelId = model.state.kernelId;
    const pending = kernelId ? this._pending.get(kernelId) : undefined;
    const target = model.target;
    const host = hostOf(target, this._o.notebooks, this._o.consoles);
    if (!kernelId || !pending || !host || !target) {
      Notification.info(trans.__('Insert an install cell first.'), {
        autoClose: 5000
      });
      return null;
    }
    let cell: CodeCell | null = null;
    let text = pending.plan.cell;
    if (host.kind === 'notebook') {
      cell = pending.cellId ? findCell(host.panel, pending.cellId) : null;
      if (!cell) {
        return this._set(
          kernelId,
          'cancelled',
          msg('The install cell was deleted. Insert it again.')
        );
      }
      text = cell.model.sharedModel.getSource();
    }
    const answer = await showDialog({
      title: trans.__('Run the install?'),
      body: confirmBody(pending.plan, text, pending.before, trans),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: trans.__('Run Install') })
      ]
    });
    if (!answer.button.accept) {
      return this._set(
        kernelId,
        'cancelled',
        host.kind === 'notebook'
          ? msg('Cancelled: nothing ran. The cell stays in the notebook.')
          : msg('Cancelled: nothing ran.')
      );
    }
    this._set(kernelId, 'running', msg('pip is running in the kernel…'));
    pending.timings = {};
    const pipStart = performance.now();
    let out: { text: string; errored: boolean };
    try {
      if (host.kind === 'notebook') {
        const reply = await CodeCell.execute(cell!, target, {
          deletedCells: [],
          recordTiming: false
        });
        out = outputText(cell!);
        out.errored ||= !reply || reply.content.status !== 'ok';
      } else {
        const console_ = host.panel.console;
        await console_.inject(text, { torch_doctor: { role: 'install' } });
        const last = console_.cells.get(console_.cells.length - 1);
        out =
          last instanceof CodeCell
            ? outputText(last)
            : { text: '', errored: true };
      }
    } catch (reason) {
      out = { text: String(reason), errored: true };
    }
    pending.ran = text;
    pending.timings.pip = performance.now() - pipStart;
    const pip = readPipResult(out.text, out.errored);
    if (!pip.ok) {
      Notification.error(
        trans.__('The install failed: %1', tr(trans, pip.message)),
        {
          autoClose: false
        }
      );
      return this._set(
        kernelId,
        'failed',
        msg('The install failed; the kernel was not restarted.'),
        pipReasons(pip)
      );
    }
    pending.pipWarnings = pip.warnings;
    return this.restartAndVerify();
  }

  /**
   * Ask to restart the kernel, then verify the install with the deep check.
   */
  async restartAndVerify(): Promise<IInstallStatus | null> {
    const { model, trans } = this._o;
    const target = model.target;
    const kernelId = model.state.kernelId;
    const pending = kernelId ? this._pending.get(kernelId) : undefined;
    if (!target || !kernelId || !pending?.ran) {
      return null;
    }
    // The restart is timed from the kernel's "restarting", not the dialog.
    let restartStart = 0;
    const onStatus = (_: unknown, status: string) => {
      if (status === 'restarting' && !restartStart) {
        restartStart = performance.now();
      }
    };
    target.statusChanged.connect(onStatus);
    const restarted = this._o.sessionDialogs
      ? await this._o.sessionDialogs
          .restart(target)
          // A kernel that vanished cannot be restarted: leave it pending.
          .catch(() => false)
          .finally(() => target.statusChanged.disconnect(onStatus))
      : false;
    if (!restarted) {
      return this._set(
        kernelId,
        'restart-pending',
        msg(
          'Installed. Verification is pending a restart: the kernel still runs the old torch.'
        )
      );
    }
    const verifyStart = performance.now();
    pending.timings.restart = restartStart ? verifyStart - restartStart : 0;
    this._set(kernelId, 'verifying', msg('Verifying with a deep check…'));
    const outcome = await model.probe({ deep: true });
    pending.timings.verify = performance.now() - verifyStart;
    if (outcome?.kind !== 'report') {
      return this._set(
        kernelId,
        'not-verified',
        msg('Not verified: the deep check did not answer.'),
        [unanswered(outcome)]
      );
    }
    const v = verifyInstall(
      pending.plan,
      pending.ran,
      pending.before,
      outcome.report
    );
    if (v.verified && model.state.kernelName) {
      model.rememberVerified(
        verifiedBuild(
          model.state.kernelName,
          outcome.report,
          pending.ran,
          new Date(),
          pending.plan.expect?.device ?? 'cpu'
        )
      );
    }
    const status = this._set(
      kernelId,
      v.verified ? 'verified' : 'not-verified',
      v.verified
        ? msg('Verified: the kernel runs the planned build.')
        : v.edited
          ? msg('The cell was edited, so it cannot be compared with the plan.')
          : msg('Not verified: the kernel does not match the plan.'),
      [...v.reasons, ...pending.pipWarnings],
      v.table
    );
    if (v.verified) {
      Notification.success(tr(trans, status.message), { autoClose: 5000 });
    }
    return status;
  }

  private _set(
    kernelId: string,
    step: InstallStep,
    message: IMessage,
    reasons: IMessage[] = [],
    table: IInstallStatus['table'] = []
  ): IInstallStatus {
    const pending = this._pending.get(kernelId)!;
    const status: IInstallStatus = {
      step,
      plan: pending.plan,
      ranCell: pending.ran,
      message,
      reasons,
      table,
      timings: { ...pending.timings }
    };
    this._o.model.setInstallStatus(kernelId, status);
    return status;
  }

  private _o: IInstallFlowOptions;
  private _pending = new Map<string, IPending>();
}
