/**
 * The install loop: insert the cell, run it after the user's click, read
 * pip's result, restart after confirmation, and verify with the deep check.
 *
 * An install is bound to its kernel: kernel, session, notebook or console,
 * cell and plan are captured when it starts, and it finishes on them
 * whatever the user does meanwhile.
 *
 * What holds: a failure of a step (pip's run rejecting, a closed notebook,
 * a restart that fails, a deep check that does not answer) ends the run in
 * a step the user can act on (failed, interrupted, restart-pending,
 * not-verified), never left at running, restarting or verifying. What is
 * not bounded here: the dialogs wait for the user, and pip has no deadline
 * of ours (it ends when pip does, or when the user interrupts or restarts
 * the kernel, which ends the run as interrupted).
 */
import { msg, type IMessage } from '../report/message';
import type { ITorchDoctorModel } from '../tokens';
import { tailReasons, type IInstallUI, type IPending } from './flowParts';

export type { IInstallUI };
import { pipReasons, readPipResult } from './pipResult';
import { advance, readProgress } from './progress';
import type { IInstallStatus, InstallStep } from './types';
import {
  revertPlan,
  sameCell,
  unanswered,
  verifiedBuild,
  verifyInstall
} from './verify';

/**
 * Runs install loops, one per kernel, on the model's records.
 */
export class InstallFlow {
  /** Create the flow. */
  constructor(model: ITorchDoctorModel, ui: IInstallUI) {
    this._model = model;
    this._ui = ui;
  }

  /** Whether a kernel's install is between its click and its final state. */
  isBusy(kernelId: string | null): boolean {
    if (
      !kernelId ||
      this._inserting.has(kernelId) ||
      this._confirming.has(kernelId)
    ) {
      return !!kernelId;
    }
    const p = this._pending.get(kernelId);
    return !!p && ['running', 'restarting', 'verifying'].includes(p.step);
  }

  /**
   * Insert the cell of a plan (by index among the advice's plans, or the
   * regression guard's way back) below the active cell of the kernel's
   * notebook (the selected kernel by default). Nothing runs.
   */
  async insert(
    which: number | 'revert' = 0,
    kernelId: string | null = this._model.selected
  ): Promise<boolean> {
    const model = this._model;
    const host = kernelId ? this._ui.hostFor(model.sessionOf(kernelId)) : null;
    if (!kernelId || !host) {
      await this._ui.offerNewNotebook();
      return false;
    }
    if (this.isBusy(kernelId)) {
      return false;
    }
    // The plan the user clicked, as it was shown.
    const shown =
      which === 'revert' ? null : model.stateOf(kernelId)?.advice?.plans[which];
    this._inserting.add(kernelId);
    try {
      // The plans about to be inserted are confirmed on the index first.
      await model.confirmPlans(kernelId);
    } finally {
      this._inserting.delete(kernelId);
    }
    const state = model.stateOf(kernelId);
    const report =
      state?.outcome?.kind === 'report' ? state.outcome.report : null;
    const plans = state?.advice?.plans ?? [];
    const plan =
      which === 'revert'
        ? state?.regression && report
          ? revertPlan(state.regression, report)
          : undefined
        : // The same plan after the index confirmed it, even if it moved.
          (plans.find(
            p =>
              p.kind === shown?.kind &&
              p.variant === shown?.variant &&
              p.indexUrl === shown?.indexUrl
          ) ?? plans[which]);
    if (
      !state?.kernelName ||
      !report ||
      !plan?.cell ||
      host.isDisposed ||
      this.isBusy(kernelId)
    ) {
      this._ui.notify(
        'warning',
        msg('There is no install plan for this kernel yet: probe it first.')
      );
      return false;
    }
    const cellId = host.insert(plan.cell);
    const p: IPending = {
      kernelId,
      kernelName: state.kernelName,
      host,
      plan,
      cellId,
      before: report,
      ran: null,
      pipWarnings: [],
      timings: {},
      step: 'inserted',
      progress: null
    };
    this._pending.set(kernelId, p);
    this._set(
      p,
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
  async run(
    kernelId: string | null = this._model.selected
  ): Promise<IInstallStatus | null> {
    const p = kernelId ? this._pending.get(kernelId) : undefined;
    if (!p || this.isBusy(p.kernelId)) {
      this._ui.notify('info', msg('Insert an install cell first.'));
      return null;
    }
    const id = p.kernelId;
    if (p.host.isDisposed) {
      return this._set(
        p,
        'cancelled',
        msg('The notebook was closed: nothing ran. Insert the cell again.')
      );
    }
    if (p.host.session.session?.kernel?.id !== id) {
      return this._set(
        p,
        'cancelled',
        msg(
          'The notebook now runs another kernel: nothing ran. Insert the cell again for it.'
        )
      );
    }
    const text = p.host.source(p.cellId, p.plan.cell);
    if (text === null) {
      return this._set(
        p,
        'cancelled',
        msg('The install cell was deleted. Insert it again.')
      );
    }
    // The preview of the plan as planned: an edited cell is not previewed.
    const kernel = p.host.session.session?.kernel;
    const preview =
      kernel && sameCell(text, p.plan.cell)
        ? (this._ui.preview?.(kernel, p.plan, p.before) ?? null)
        : null;
    // Busy from here: a second Run (palette, double click) while the dialog
    // is open must not run pip twice.
    this._confirming.add(id);
    let ok = false;
    try {
      ok = await this._ui.confirm(
        p.plan,
        text,
        p.before,
        preview?.result ?? null
      );
    } finally {
      this._confirming.delete(id);
      preview?.stop();
    }
    if (!ok) {
      return this._set(
        p,
        'cancelled',
        p.host.kind === 'notebook'
          ? msg('Cancelled: nothing ran. The cell stays in the notebook.')
          : msg('Cancelled: nothing ran.')
      );
    }
    p.timings = {};
    p.ran = text;
    const estimate =
      p.plan.downloadMb !== null ? p.plan.downloadMb * 1e6 : null;
    p.progress = readProgress('', estimate);
    const running = msg(
      '%1 is running in the kernel…',
      p.plan.installer?.tool ?? 'pip'
    );
    this._set(p, 'running', running);
    const started = performance.now();
    const onOutput = (t: string) => {
      const next = advance(p.progress, readProgress(t, estimate));
      if (p.step === 'running' && next !== p.progress) {
        p.progress = next;
        this._set(p, 'running', running);
      }
    };
    const out = await p.host.run(p.cellId, text, onOutput).catch(reason => ({
      text: String(reason),
      errored: true,
      interrupted: null
    }));
    p.timings.pip = performance.now() - started;
    if (p.host.isDisposed) {
      return this._set(
        p,
        'interrupted',
        msg(
          'The notebook was closed while pip ran: the install may be incomplete.'
        )
      );
    }
    if (out.interrupted) {
      return this._set(
        p,
        'interrupted',
        out.interrupted === 'restart'
          ? msg(
              'The kernel restarted or died while pip ran: the install may be incomplete. pip’s output stays in the cell; run the install again.'
            )
          : msg(
              'pip was interrupted: the install may be incomplete. pip’s output stays in the cell; run the install again.'
            ),
        tailReasons(out.text)
      );
    }
    const pip = readPipResult(out.text, out.errored);
    if (!pip.ok) {
      const last = readProgress(out.text, estimate);
      p.progress = {
        ...last,
        phase: 'failed',
        error: last.error ?? (pip.line || null)
      };
      this._ui.notify('error', pip.message);
      return this._set(
        p,
        'failed',
        msg('The install failed; the kernel was not restarted.'),
        pipReasons(pip)
      );
    }
    p.pipWarnings = pip.warnings;
    return this._restartAndVerify(p);
  }

  /**
   * Ask to restart the kernel, then verify the install with the deep check.
   */
  async restartAndVerify(
    kernelId: string | null = this._model.selected
  ): Promise<IInstallStatus | null> {
    const p = kernelId ? this._pending.get(kernelId) : undefined;
    if (!p?.ran || this.isBusy(p.kernelId)) {
      return null;
    }
    return this._restartAndVerify(p);
  }

  private async _restartAndVerify(p: IPending): Promise<IInstallStatus> {
    const id = p.kernelId;
    const session = p.host.session;
    if (
      p.host.isDisposed ||
      session.isDisposed ||
      session.session?.kernel?.id !== id
    ) {
      return this._set(
        p,
        'not-verified',
        msg(
          'Not verified: the notebook was closed or changed its kernel before the restart.'
        )
      );
    }
    // The restart is timed from the kernel's "restarting", not the dialog.
    let restartStart = 0;
    const onStatus = (_: unknown, status: string) => {
      if (status === 'restarting' && !restartStart) {
        restartStart = performance.now();
      }
    };
    session.statusChanged.connect(onStatus);
    let restarted = false;
    try {
      this._set(p, 'restarting', msg('Restarting the kernel…'));
      // A kernel that vanished cannot be restarted: leave it pending.
      restarted = await this._ui.restart(session).catch(() => false);
    } finally {
      session.statusChanged.disconnect(onStatus);
    }
    if (!restarted) {
      return this._set(
        p,
        'restart-pending',
        msg(
          'Installed. Verification is pending a restart: the kernel still runs the old torch.'
        )
      );
    }
    const verifyStart = performance.now();
    p.timings.restart = restartStart ? verifyStart - restartStart : 0;
    this._set(p, 'verifying', msg('Verifying with a deep check…'));
    const outcome = await this._model
      .probe({ deep: true, kernelId: id })
      .catch(() => null);
    p.timings.verify = performance.now() - verifyStart;
    if (outcome?.kind !== 'report') {
      return this._set(
        p,
        'not-verified',
        msg('Not verified: the deep check did not answer.'),
        [unanswered(outcome)]
      );
    }
    const ran = p.ran ?? p.plan.cell;
    const v = verifyInstall(p.plan, ran, p.before, outcome.report);
    if (v.verified) {
      this._model.rememberVerified(
        verifiedBuild(
          p.kernelName,
          outcome.report,
          ran,
          new Date(),
          p.plan.expect?.device ?? 'cpu',
          p.plan
        )
      );
    }
    const status = this._set(
      p,
      v.verified ? 'verified' : 'not-verified',
      v.verified
        ? msg('Verified: the kernel runs the planned build.')
        : v.edited
          ? msg('The cell was edited, so it cannot be compared with the plan.')
          : msg('Not verified: the kernel does not match the plan.'),
      [...v.reasons, ...p.pipWarnings],
      v.table
    );
    if (v.verified) {
      this._ui.notify('success', status.message);
    }
    return status;
  }

  /**
   * Record a step of install `p`. A replaced install (a new cell inserted
   * for the same kernel) no longer writes to the kernel's record.
   */
  private _set(
    p: IPending,
    step: InstallStep,
    message: IMessage,
    reasons: IMessage[] = [],
    table: IInstallStatus['table'] = []
  ): IInstallStatus {
    p.step = step;
    const status: IInstallStatus = {
      step,
      plan: p.plan,
      ranCell: p.ran,
      message,
      reasons,
      table,
      timings: { ...p.timings },
      progress: p.progress
    };
    if (this._pending.get(p.kernelId) === p) {
      this._model.setInstallStatus(p.kernelId, status);
      if (step === 'verified' || step === 'not-verified') {
        // Final: the record keeps the status; the notebook is let go.
        this._pending.delete(p.kernelId);
      }
    }
    return status;
  }

  private _model: ITorchDoctorModel;
  private _ui: IInstallUI;
  private _pending = new Map<string, IPending>();
  private _inserting = new Set<string>();
  /** Kernels whose install waits on the confirm dialog. */
  private _confirming = new Set<string>();
}
