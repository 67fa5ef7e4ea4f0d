/**
 * The outcomes of asking a kernel: what a probe or an index check came to.
 * Probe, advice, install and the views all read these; none of them owns it.
 */
import type { IMessage } from './message';
import type { IProbeReport } from './types';

/**
 * What a probe of one kernel came to. Each failure is a state of its own, so
 * the UI can say exactly what happened.
 */
export type ProbeOutcome =
  | {
      kind: 'report';
      kernelId: string;
      report: IProbeReport;
      /** Milliseconds from sending the request to a validated report. */
      roundTripMs: number;
    }
  | { kind: 'not-python'; kernelId: string; language: string }
  | { kind: 'timeout'; kernelId: string; waitedForBusyKernel: boolean }
  | { kind: 'dead'; kernelId: string; message: IMessage }
  | { kind: 'invalid'; kernelId: string; message: IMessage }
  | { kind: 'error'; kernelId: string; message: IMessage };

/** One project on one index. */
export interface IIndexQuery {
  index: string;
  project: string;
}

/**
 * Live index answer: for each index URL and project, the wheel file names
 * found, or null when the index could not be read.
 */
export interface ILiveIndex {
  [indexUrlAndProject: string]: string[] | null;
}

/** The index check's answer, or why there is none. */
export type IndexCheckOutcome =
  | { kind: 'ok'; live: ILiveIndex; errors: string[] }
  | { kind: 'failed'; message: IMessage };

/**
 * The key of one index and project in an {@link ILiveIndex}; null is PyPI.
 */
export function liveKey(index: string | null, project: string): string {
  return `${index ?? 'pypi'}|${project}`;
}
