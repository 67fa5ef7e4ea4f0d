import type { Kernel } from '@jupyterlab/services';
import Ajv, { type ValidateFunction } from 'ajv';

import {
  liveKey,
  liveMetaKey,
  liveRequiresPythonKey,
  type IIndexQuery,
  type ILiveIndex,
  type IndexCheckOutcome
} from '../report/outcome';
import { msg } from '../report/message';
import { runJob } from './jobs';
import { deadline } from './silent';

const SCHEMA = {
  type: 'object',
  required: ['schema_version', 'results'],
  properties: {
    schema_version: { const: 1 },
    results: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['index', 'project', 'files', 'error'],
        properties: {
          index: { type: 'string' },
          project: { type: 'string' },
          files: {
            type: ['array', 'null'],
            items: { type: 'string' },
            maxItems: 100000
          },
          format: { enum: ['pep691', 'pep503', null] },
          requires_python: {
            type: 'array',
            items: { type: ['string', 'null'] },
            maxItems: 100000
          },
          error: { type: ['string', 'null'] },
          metadata: {
            type: 'object',
            maxProperties: 8,
            additionalProperties: {
              type: ['array', 'null'],
              items: { type: 'string' },
              maxItems: 64
            }
          }
        }
      }
    }
  }
};
let validate: ValidateFunction | null = null;

/**
 * Options for {@link checkIndex}.
 */
export interface IIndexCheckOptions {
  /** Seconds allowed for each index request (3 by default). */
  requestTimeoutS?: number;
  /** The job child's hard wall-clock deadline, DNS included (10 s by default). */
  deadlineS?: number;
  /** Give up waiting after this many milliseconds (the deadline plus 10 s by default). */
  timeoutMs?: number;
  /** Abandon the check: its job is killed and nobody waits for it. */
  signal?: AbortSignal;
}

/**
 * Ask the kernel whether the indexes list these projects' wheels. The browser
 * cannot ask itself: cross-origin rules block it, and the kernel sees pip's
 * network. The requests run in a job (a subprocess of the kernel's
 * interpreter with a hard deadline), so the kernel answers the user's cells
 * meanwhile, even when an index never answers.
 */
export async function checkIndex(
  kernel: Kernel.IKernelConnection,
  queries: IIndexQuery[],
  options: IIndexCheckOptions = {}
): Promise<IndexCheckOutcome> {
  if (!queries.length) {
    return { kind: 'ok', live: {}, errors: [] };
  }
  const perRequest = options.requestTimeoutS ?? 3;
  const deadlineS = options.deadlineS ?? 10;
  const until = deadline(
    options.timeoutMs ?? (deadlineS + 10) * 1000,
    options.signal
  );
  try {
    const job = await runJob(
      kernel,
      'index',
      { queries: queries.slice(0, 16), timeout: perRequest },
      deadlineS,
      until
    );
    if (job.end) {
      return {
        kind: 'failed',
        message:
          job.end === 'timeout'
            ? msg('The index check timed out.')
            : msg('The kernel died or restarted.')
      };
    }
    if (job.status === 'timeout') {
      return {
        kind: 'failed',
        message: msg('The index did not answer within %1 s.', deadlineS)
      };
    }
    if (job.status !== 'ok') {
      return {
        kind: 'failed',
        message: msg('The index check failed: %1', job.error ?? job.status)
      };
    }
    validate = validate ?? new Ajv({ strict: false }).compile(SCHEMA);
    if (!validate(job.result)) {
      return {
        kind: 'failed',
        message: msg('The index check reply is malformed.')
      };
    }
    const live: ILiveIndex = {};
    const errors: string[] = [];
    for (const res of (
      job.result as {
        results: (IIndexQuery & {
          files: string[] | null;
          requires_python?: (string | null)[];
          error: string | null;
          metadata?: { [file: string]: string[] | null };
        })[];
      }
    ).results) {
      live[liveKey(res.index, res.project)] = res.files;
      if (res.files && res.requires_python?.length === res.files.length) {
        live[liveRequiresPythonKey(res.index, res.project)] =
          res.requires_python.map(r => r ?? '');
      }
      for (const [file, reqs] of Object.entries(res.metadata ?? {})) {
        live[liveMetaKey(res.index, res.project, file)] = reqs;
      }
      if (res.error && res.files === null) {
        errors.push(`${res.index}/${res.project}/: ${res.error}`);
      }
    }
    return { kind: 'ok', live, errors };
  } finally {
    until.cancel();
  }
}
