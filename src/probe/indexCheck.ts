import type { Kernel } from '@jupyterlab/services';
import Ajv, { type ValidateFunction } from 'ajv';

import {
  liveKey,
  type IIndexQuery,
  type ILiveIndex,
  type IndexCheckOutcome
} from '../report/outcome';
import { msg } from '../report/message';
import { buildProbeCode } from './code';
import { deadline, executeSilent, failureMessage } from './silent';

/** The vendor MIME type of the index check's display_data. */
export const INDEX_MIME = 'application/vnd.jupyterlab-torch-doctor.index+json';

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
          error: { type: ['string', 'null'] }
        }
      }
    }
  }
};
let validate: ValidateFunction | null = null;

/**
 * Ask the kernel whether the indexes list these projects' wheels, with a
 * per-request timeout (3 s by default). The browser cannot ask itself:
 * cross-origin rules block it, and the kernel sees pip's network.
 */
export async function checkIndex(
  kernel: Kernel.IKernelConnection,
  queries: IIndexQuery[],
  options: {
    requestTimeoutS?: number;
    timeoutMs?: number;
    deadlineS?: number;
  } = {}
): Promise<IndexCheckOutcome> {
  if (!queries.length) {
    return { kind: 'ok', live: {}, errors: [] };
  }
  const perRequest = options.requestTimeoutS ?? 3;
  const until = deadline(
    options.timeoutMs ??
      (perRequest * Math.ceil(queries.length / 4) + 10) * 1000
  );
  try {
    const code = buildProbeCode({
      index_check: queries,
      index_timeout: perRequest
    });
    const r = await executeSilent(kernel, code, INDEX_MIME, until);
    if (r.end !== 'complete') {
      return {
        kind: 'failed',
        message:
          r.end === 'timeout'
            ? msg('The index check timed out.')
            : msg('The kernel died or restarted.')
      };
    }
    const failure = failureMessage(r, 'index check');
    if (failure !== null) {
      return { kind: 'failed', message: failure };
    }
    validate = validate ?? new Ajv({ strict: false }).compile(SCHEMA);
    if (!validate(r.payload)) {
      return {
        kind: 'failed',
        message: msg('The index check reply is malformed.')
      };
    }
    const live: ILiveIndex = {};
    const errors: string[] = [];
    for (const res of (
      r.payload as {
        results: (IIndexQuery & {
          files: string[] | null;
          error: string | null;
        })[];
      }
    ).results) {
      live[liveKey(res.index, res.project)] = res.files;
      if (res.error && res.files === null) {
        errors.push(`${res.index}/${res.project}/: ${res.error}`);
      }
    }
    return { kind: 'ok', live, errors };
  } finally {
    until.cancel();
  }
}
