/**
 * The live index check of one record's plans: asked from a subprocess of
 * the kernel's Python, with a hard deadline. A check that fails still
 * yields a live answer (every file list null), so that each plan says the
 * index could not confirm it.
 */
import type { Kernel } from '@jupyterlab/services';

import { heavy, loadedHeavy, type IHeavy } from './lazy';
import type { ILiveCheck, KernelRecord } from './record';
import { msg, type IMessage } from '../report/message';
import { liveKey, type IIndexQuery, type ILiveIndex } from '../report/outcome';
import type { IProbeSettings } from '../tokens';

/** What the check came to. */
export interface ILiveAnswer {
  live: ILiveIndex;
  /** Why there is no answer from the index, or null. */
  failure: IMessage | null;
}

/**
 * Ask the index about `queries` through `kernel`; never rejects. The check
 * fails when none of the plans' own index queries was answered (`pypi`, the
 * second source, answering alone confirms nothing).
 */
export async function askIndex(
  checkIndex: IHeavy['checkIndex'],
  kernel: Kernel.IKernelConnection | null,
  queries: IIndexQuery[],
  deadlineS: number,
  signal?: AbortSignal,
  pypi?: string
): Promise<ILiveAnswer> {
  const res = kernel
    ? await checkIndex(kernel, queries, { deadlineS, signal }).catch(
        reason => ({
          kind: 'failed' as const,
          message: msg('The index check failed: %1', String(reason))
        })
      )
    : { kind: 'failed' as const, message: msg('The kernel is not running.') };
  if (res.kind === 'ok') {
    // Every request failed within the deadline (per-request timeouts, a
    // refused connection): the index did not answer after all.
    // PyPI, the second source, answering does not confirm the plans' own
    // index: judge by the plans' index queries when there are any.
    const own = queries.filter(q => q.index !== pypi);
    const none = (own.length ? own : queries).every(
      q => res.live[liveKey(q.index, q.project)] === null
    );
    return {
      live: res.live,
      failure:
        none && res.errors.length
          ? msg('The index did not answer: %1', res.errors[0])
          : null
    };
  }
  const live: ILiveIndex = {};
  for (const q of queries) {
    live[liveKey(q.index, q.project)] = null;
  }
  return { live, failure: res.message };
}

/** What confirming a record needs from the model. */
export interface IConfirmOptions {
  /** The settings in force (read again when the answer lands). */
  settings: () => IProbeSettings;
  /** The settings version the check is made for. */
  version: number;
  /** Whether the model still wants answers. */
  isCurrent: () => boolean;
  /** The record changed; `published` when its advice is new. */
  changed: (published: boolean) => void;
}

/**
 * Confirm a record's plans on the index, once per report and settings
 * version: a second call joins the check in flight, and so does a settings
 * change that leaves the queries as they are. A failed check is asked
 * again (Probe again, a new selection, an insert). A check superseded by
 * another (new queries, a newer report, a restart) is abandoned: its job is
 * killed and its answer never lands. Never rejects.
 */
export function confirmRecord(
  rec: KernelRecord,
  o: IConfirmOptions
): Promise<void> {
  const outcome = rec.outcome;
  const s = o.settings();
  if (outcome?.kind !== 'report' || !rec.advice) {
    return Promise.resolve();
  }
  // Advice exists only once the engine has loaded, and with it the queries.
  const ask = loadedHeavy()?.indexQueries;
  const queries = s.liveIndexCheck && ask ? ask(rec.advice) : [];
  const key = JSON.stringify(queries);
  const pypi = rec.advice.pypiIndex;
  const prev = rec.live;
  const same = prev?.key === key && prev.outcomeSeq === rec.outcomeSeq;
  if (same && prev.phase === 'checking') {
    // Its answer is advised with the settings in force when it lands.
    prev.settingsVersion = o.version;
    return prev.promise;
  }
  if (same && prev.phase === 'done' && prev.settingsVersion === o.version) {
    return prev.promise;
  }
  if (!queries.length) {
    rec.dropLive();
    return Promise.resolve();
  }
  const check: ILiveCheck = {
    phase: 'checking',
    message: null,
    key,
    outcomeSeq: rec.outcomeSeq,
    settingsVersion: o.version,
    promise: Promise.resolve(),
    abort: new AbortController()
  };
  rec.dropLive();
  rec.live = check;
  const epoch = rec.epoch;
  const current = () =>
    rec.live === check && rec.epoch === epoch && o.isCurrent();
  check.promise = (async () => {
    try {
      const { checkIndex, advise } = await heavy();
      const answer = await askIndex(
        checkIndex,
        rec.connection(),
        queries,
        s.indexCheckTimeoutS,
        check.abort.signal,
        pypi
      );
      if (current()) {
        check.phase = answer.failure ? 'failed' : 'done';
        check.message = answer.failure;
        rec.advice = advise(outcome.report, o.settings(), answer.live);
        o.changed(true);
      }
    } catch (reason) {
      if (current()) {
        check.phase = 'failed';
        check.message = msg('The index check failed: %1', String(reason));
        o.changed(false);
      }
    }
  })();
  o.changed(false);
  return check.promise;
}
