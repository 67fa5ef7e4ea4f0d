/**
 * Protect and Unprotect as visible cells: insert the cell below the active
 * one, run it only after the user confirms, then probe again and read the
 * protection from the report (not from the cell's word). Also where a
 * refused install lands: the panel explains who wanted which torch.
 */
import type { ISessionContext } from '@jupyterlab/apputils';

import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import type { ITorchDoctorModel } from '../tokens';
import type { IInstallHost } from './host';
import { refusalReasons, type IConstraintConflict } from './pipResult';
import {
  canProtect,
  hasProtection,
  inForce,
  protectCell,
  protectionOf,
  unprotectCell
} from './protect';
import type { IProtectStatus } from './types';

/** What the flow asks of the user and the application. */
export interface IProtectUI {
  /** The notebook or console of a session, or null. */
  hostFor(session: ISessionContext | null): IInstallHost | null;
  /** Show the cell and what it writes; true only on the user's click. */
  confirm(
    action: 'protect' | 'unprotect',
    cell: string,
    report: IProbeReport
  ): Promise<boolean>;
  /** Offer a new notebook when there is none to run the cell in. */
  offerNewNotebook(): Promise<void>;
  /** A toast. */
  notify(level: 'info' | 'success' | 'warning' | 'error', m: IMessage): void;
}

// The panel reads it without loading this flow (see plugins/installParts.ts).
import { ignoredBecause } from './ignored';
export { ignoredBecause };

/**
 * Runs Protect and Unprotect, one at a time per kernel, on the model's
 * records.
 */
export class ProtectFlow {
  /** Create the flow. */
  constructor(model: ITorchDoctorModel, ui: IProtectUI) {
    this._model = model;
    this._ui = ui;
  }

  /** Whether a kernel's Protect or Unprotect cell is running. */
  isBusy(kernelId: string | null): boolean {
    return !!kernelId && this._busy.has(kernelId);
  }

  /** Insert the Protect cell for the kernel's build, confirm, run, re-probe. */
  protect(kernelId: string | null = this._model.selected): Promise<boolean> {
    const state = kernelId ? this._model.stateOf(kernelId) : null;
    const check = canProtect(state);
    if (!check.ok) {
      this._ui.notify('warning', check.why);
      return Promise.resolve(false);
    }
    return this._run(kernelId!, 'protect', protectCell(check.pins));
  }

  /** Insert the Unprotect cell, confirm, run, re-probe. */
  unprotect(kernelId: string | null = this._model.selected): Promise<boolean> {
    const state = kernelId ? this._model.stateOf(kernelId) : null;
    const report =
      state?.outcome?.kind === 'report' ? state.outcome.report : null;
    if (!hasProtection(protectionOf(report))) {
      this._ui.notify(
        'info',
        msg('This environment has no protection to remove.')
      );
      return Promise.resolve(false);
    }
    return this._run(kernelId!, 'unprotect', unprotectCell());
  }

  /** A `pip install` in this kernel was refused by a constraint. */
  refused(kernelId: string, conflict: IConstraintConflict): void {
    this._model.setProtectStatus(kernelId, {
      action: 'refused',
      step: 'failed',
      message: msg(
        'pip refused an install: this environment’s build is protected.'
      ),
      reasons: refusalReasons(conflict)
    });
  }

  /** Forget a refusal (a later install in the kernel went through). */
  clearRefusal(kernelId: string): void {
    if (this._model.stateOf(kernelId)?.protect?.action === 'refused') {
      this._model.setProtectStatus(kernelId, null);
    }
  }

  private async _run(
    kernelId: string,
    action: 'protect' | 'unprotect',
    cell: string
  ): Promise<boolean> {
    const host = this._ui.hostFor(this._model.sessionOf(kernelId));
    const state = this._model.stateOf(kernelId);
    const report =
      state?.outcome?.kind === 'report' ? state.outcome.report : null;
    if (!host || host.isDisposed || !report) {
      await this._ui.offerNewNotebook();
      return false;
    }
    if (this.isBusy(kernelId)) {
      return false;
    }
    this._busy.add(kernelId);
    try {
      const cellId = host.insert(cell, action);
      if (!(await this._ui.confirm(action, cell, report))) {
        this._set(
          kernelId,
          action,
          'cancelled',
          msg('Cancelled: nothing ran.')
        );
        return false;
      }
      this._set(
        kernelId,
        action,
        'running',
        action === 'protect'
          ? msg('Protecting the build…')
          : msg('Removing the protection…')
      );
      const out = await host.run(cellId, cell);
      if (out.errored || out.interrupted) {
        const last = out.text.trim().split(/\r?\n/).pop() ?? '';
        // The cell's own refusals and write errors: it put everything back.
        const refusal = /Torch Doctor changed nothing: (.*)$/.exec(last);
        this._set(
          kernelId,
          action,
          'failed',
          refusal
            ? msg(
                'Nothing was changed: pip’s config and the pins file are as they were.'
              )
            : msg('The cell did not finish; its output stays in the notebook.'),
          refusal
            ? [msg('The cell said: %1', refusal[1])]
            : last
              ? [msg('The cell said: %1', last)]
              : []
        );
        return false;
      }
      // The report, not the cell's own print, says what pip will see: a
      // fresh probe, sent after the cell (one in flight read the old files).
      const after = await this._model.probe({ kernelId, fresh: true });
      const prot = protectionOf(after?.kind === 'report' ? after.report : null);
      return this._settle(kernelId, action, prot);
    } finally {
      this._busy.delete(kernelId);
    }
  }

  private _settle(
    kernelId: string,
    action: 'protect' | 'unprotect',
    prot: ReturnType<typeof protectionOf>
  ): boolean {
    if (action === 'unprotect') {
      const ok = !hasProtection(prot);
      this._set(
        kernelId,
        action,
        ok ? 'done' : 'failed',
        ok
          ? msg('Unprotected: pip may change this build again.')
          : msg('The probe still finds the protection.')
      );
      return ok;
    }
    const why = ignoredBecause(prot?.ignored_by ?? null);
    if (inForce(prot)) {
      this._set(
        kernelId,
        action,
        'done',
        msg(
          'Protected: pip in this environment keeps %1.',
          prot!.pins.join(', ')
        )
      );
      this._ui.notify('success', msg('The build is protected.'));
      return true;
    }
    this._set(
      kernelId,
      action,
      'failed',
      why
        ? msg('The pins were written, but this kernel’s pip ignores them.')
        : msg('The probe does not find the protection in force.'),
      why ? [why] : []
    );
    return false;
  }

  private _set(
    kernelId: string,
    action: 'protect' | 'unprotect',
    step: IProtectStatus['step'],
    message: IMessage,
    reasons: IMessage[] = []
  ): void {
    this._model.setProtectStatus(kernelId, { action, step, message, reasons });
  }

  private _model: ITorchDoctorModel;
  private _ui: IProtectUI;
  private _busy = new Set<string>();
}
