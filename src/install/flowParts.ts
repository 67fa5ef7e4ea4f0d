/**
 * The install loop's parts that are not the loop: what it asks of the user
 * and the application, its per-kernel state, and how it words pip's tail.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';

import type { IPlan } from '../advice/types';
import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import type { IInstallHost } from './host';
import type { IPlanPreview, IPreviewRun } from './preview';
import type { IInstallProgress } from './progress';
import type { IInstallStatus, InstallStep } from './types';

/** What the flow asks of the user and the application. */
export interface IInstallUI {
  /** The notebook or console of a session, or null. */
  hostFor(session: ISessionContext | null): IInstallHost | null;
  /** Show what will run (and the preview, as it comes); true only on the user's click. */
  confirm(
    plan: IPlan,
    text: string,
    before: IProbeReport,
    preview?: Promise<IPlanPreview> | null
  ): Promise<boolean>;
  /** Start the plan preview (pip's dry run in a job), or null when there is none. */
  preview?(
    kernel: Kernel.IKernelConnection,
    plan: IPlan,
    before: IProbeReport
  ): IPreviewRun | null;
  /** Ask to restart (JupyterLab's dialog); true when it restarted. */
  restart(session: ISessionContext): Promise<boolean>;
  /** Offer a new notebook when there is none to install into. */
  offerNewNotebook(): Promise<void>;
  /** A toast. */
  notify(level: 'info' | 'success' | 'warning' | 'error', m: IMessage): void;
}

/** One install in progress for a kernel. */
export interface IPending {
  kernelId: string;
  kernelName: string;
  host: IInstallHost;
  plan: IPlan;
  /** The inserted cell's id (notebooks), or null (consoles inject on run). */
  cellId: string | null;
  /** The report the plan was made from. */
  before: IProbeReport;
  /** The cell text that ran. */
  ran: string | null;
  /** pip's warnings about other packages, from a successful install. */
  pipWarnings: IMessage[];
  timings: IInstallStatus['timings'];
  step: InstallStep;
  /** pip's or uv's progress while the cell runs (#21). */
  progress: IInstallProgress | null;
}

/** The last lines of pip's output, as the reasons of an interruption. */
export function tailReasons(text: string): IMessage[] {
  return text
    .trim()
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(Boolean)
    .slice(-5)
    .map(line => msg('pip said: %1', line));
}
