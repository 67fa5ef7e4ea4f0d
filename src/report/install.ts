/**
 * Types of the install → restart → verify loop, part of the contract:
 * the model's state and the public token carry them.
 */
import type { IPlan } from './advice';
import type { IMessage } from './message';

/** Where an install stands. */
export type InstallStep =
  /** The cell is in the notebook; nothing ran. */
  | 'inserted'
  /** pip runs in the kernel. */
  | 'running'
  /** pip failed; nothing was restarted. */
  | 'failed'
  /** pip succeeded; the user declined the restart. */
  | 'restart-pending'
  /** The kernel restarts. */
  | 'restarting'
  /** The deep check runs after the restart. */
  | 'verifying'
  /** The deep check matches the plan. */
  | 'verified'
  /** The deep check does not match the plan, or the cell was edited. */
  | 'not-verified'
  /** The user cancelled; nothing ran. */
  | 'cancelled'
  /** The kernel restarted or was interrupted while pip ran. */
  | 'interrupted';

/** One package before and after the install. */
export interface IBeforeAfter {
  name: string;
  before: string | null;
  /** What the plan pins, or null when it has no pin (nightly, edited cell). */
  expected: string | null;
  after: string | null;
  /** Whether `after` is what the plan expected (null: nothing to compare). */
  ok: boolean | null;
}

/**
 * The install status of one kernel, shown by the panel.
 */
export interface IInstallStatus {
  step: InstallStep;
  plan: IPlan;
  /** The cell text that ran, when it ran. */
  ranCell: string | null;
  /** One sentence for the panel; the panel translates it. */
  message: IMessage;
  /** Why verification failed, or why pip failed (pip's line as an argument). */
  reasons: IMessage[];
  /** Versions before and after, filled by verification. */
  table: IBeforeAfter[];
  /** How long each step took, in milliseconds, as far as it got. */
  timings: { pip?: number; restart?: number; verify?: number };
  /** pip's or uv's progress while the cell runs, and where it stopped (#21). */
  progress?: IInstallProgress | null;
}

/**
 * Where Protect or Unprotect stands for a kernel, or a refused install that
 * the protection explains.
 */
export interface IProtectStatus {
  action: 'protect' | 'unprotect' | 'refused';
  step: 'running' | 'done' | 'failed' | 'cancelled';
  /** One sentence for the panel; the panel translates it. */
  message: IMessage;
  /** Why it failed, or who wanted which torch (a refusal). */
  reasons: IMessage[];
}

/**
 * The last verified build of a kernelspec, remembered across sessions.
 */
export interface IVerifiedBuild {
  /** The kernelspec's name. */
  kernelName: string;
  /** The Python the build was verified in (a kernelspec may be re-pointed). */
  executable: string;
  /** build_version of each managed package, e.g. {torch: '2.13.0+cpu'}. */
  packages: { [name: string]: string };
  /** The device the smoke op ran on (cpu, cuda:0, xpu:0, mps). */
  device: string;
  /** The exact cell that installed it (shown; the way back is rebuilt from pins). */
  cell: string;
  /** The index the plan installed from (null: PyPI); absent in older records. */
  indexUrl?: string | null;
  /** What the plan pinned, e.g. {torch: '2.14.1+cu130'}; absent in older records. */
  pins?: { [name: string]: string };
  /** ISO time of the verification. */
  at: string;
}

/**
 * A kernelspec whose build changed since it was verified.
 */
export interface IRegression {
  verified: IVerifiedBuild;
  /** Package → [verified, now] for each package that changed. */
  changes: { name: string; verified: string; now: string | null }[];
}

/** Where the install stands. */
export type InstallPhase =
  'starting' | 'resolving' | 'downloading' | 'installing' | 'done' | 'failed';

/** The progress of one install, as far as its output tells. */
export interface IInstallProgress {
  /** pip or uv, from the output's own marks; null before either is seen. */
  tool: 'pip' | 'uv' | null;
  phase: InstallPhase;
  /** The wheel (pip: its file name) or package (uv) downloading last. */
  wheel: string | null;
  /** That wheel's size in bytes, when printed. */
  wheelBytes: number | null;
  /** Bytes of all wheels downloaded so far. */
  doneBytes: number;
  /** The whole download: the plan's estimate, or more when the output says so. */
  totalBytes: number | null;
  /** doneBytes / totalBytes, 0 to 1; 1 once installing starts; null without a total. */
  fraction: number | null;
  /** The error line pip or uv printed, when it failed. */
  error: string | null;
  /**
   * Packages prepared out of all, where that is all the output tells: uv in
   * JupyterLab (it sees JPY_SESSION_NAME) draws one bar of packages, not
   * bytes. The fraction then counts packages.
   */
  packages?: { done: number; total: number } | null;
}
