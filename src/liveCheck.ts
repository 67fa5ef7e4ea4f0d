/**
 * The live index check of one record's plans: asked from a subprocess of
 * the kernel's Python, with a hard deadline. A check that fails still
 * yields a live answer (every file list null), so that each plan says the
 * index could not confirm it.
 */
import type { Kernel } from '@jupyterlab/services';

import type { IHeavy } from './lazy';
import { msg, type IMessage } from './report/message';
import { liveKey, type IIndexQuery, type ILiveIndex } from './report/outcome';

/** What the check came to. */
export interface ILiveAnswer {
  live: ILiveIndex;
  /** Why there is no answer from the index, or null. */
  failure: IMessage | null;
}

/** Ask the index about `queries` through `kernel`; never rejects. */
export async function askIndex(
  checkIndex: IHeavy['checkIndex'],
  kernel: Kernel.IKernelConnection | null,
  queries: IIndexQuery[],
  deadlineS: number
): Promise<ILiveAnswer> {
  const res = kernel
    ? await checkIndex(kernel, queries, { deadlineS }).catch(reason => ({
        kind: 'failed' as const,
        message: msg('The index check failed: %1', String(reason))
      }))
    : { kind: 'failed' as const, message: msg('The kernel is not running.') };
  if (res.kind === 'ok') {
    return { live: res.live, failure: null };
  }
  const live: ILiveIndex = {};
  for (const q of queries) {
    live[liveKey(q.index, q.project)] = null;
  }
  return { live, failure: res.message };
}
