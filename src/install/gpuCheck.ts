/**
 * The optional step after an install: do the other frameworks (JAX, CuPy)
 * still see the GPU? Which to ask comes from the report's CUDA library
 * inventory; the answer comes from a job (probe/gpucheck.py) and is read
 * here. Pure.
 */
import type { ValidateFunction } from 'ajv';

import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import type { IPreviewJob } from './preview';

/** A framework the check can ask. */
export type GpuFramework = 'jax' | 'cupy';

/** One framework's answer, as a sentence. */
export interface IGpuCheckRow {
  framework: GpuFramework;
  /** Whether it imported and answered. */
  ok: boolean;
  /** Whether it sees a GPU. */
  gpu: boolean;
  message: IMessage;
}

/** Each framework's own deadline, and the job's around all of them. */
export const GPU_CHECK_EACH_S = 30;
export const GPU_CHECK_DEADLINE_S = 70;

/** The frameworks with GPU packages in the kernel's environment. */
export function gpuFrameworks(report: IProbeReport): GpuFramework[] {
  const names = (report.cuda_libs?.dists ?? []).map(d => d.name);
  const out: GpuFramework[] = [];
  if (names.some(n => /^jax-cuda\d+-(plugin|pjrt)$/.test(n))) {
    out.push('jax');
  }
  if (names.some(n => /^cupy-cuda\d+x?$/.test(n))) {
    out.push('cupy');
  }
  return out;
}

const SCHEMA = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      maxItems: 4,
      items: {
        type: 'object',
        required: ['framework', 'ok', 'gpu', 'version', 'devices', 'error'],
        properties: {
          framework: { enum: ['jax', 'cupy'] },
          ok: { type: 'boolean' },
          gpu: { type: 'boolean' },
          version: { type: ['string', 'null'] },
          devices: { type: 'array', maxItems: 16, items: { type: 'string' } },
          error: { type: ['string', 'null'] }
        }
      }
    }
  }
};
let validate: ValidateFunction | null = null;

/**
 * Read the job's answer; a failed job gives one row per framework saying why.
 * Async: the validator (ajv) loads with the first answer, not with the page.
 */
export async function readGpuCheck(
  job: IPreviewJob,
  frameworks: GpuFramework[]
): Promise<IGpuCheckRow[]> {
  const all = (m: IMessage): IGpuCheckRow[] =>
    frameworks.map(framework => ({
      framework,
      ok: false,
      gpu: false,
      message: m
    }));
  if (job.end === 'timeout' || job.status === 'timeout') {
    return all(msg('The check did not finish in time.'));
  }
  if (job.end === 'dead') {
    return all(msg('The kernel died or restarted during the check.'));
  }
  if (job.status !== 'ok') {
    return all(msg('The check failed: %1', job.error ?? job.status));
  }
  if (!validate) {
    const { default: Ajv } = await import('ajv');
    validate = new Ajv({ strict: false }).compile(SCHEMA);
  }
  if (!validate(job.result)) {
    return all(msg('The check’s reply is malformed.'));
  }
  const results = (
    job.result as {
      results: {
        framework: GpuFramework;
        ok: boolean;
        gpu: boolean;
        version: string | null;
        devices: string[];
        error: string | null;
      }[];
    }
  ).results;
  return results.map(r => ({
    framework: r.framework,
    ok: r.ok,
    gpu: r.gpu,
    message: !r.ok
      ? msg('%1 failed: %2', r.framework, lastLine(r.error ?? ''))
      : r.gpu
        ? msg(
            '%1 %2 sees the GPU: %3.',
            r.framework,
            r.version ?? '',
            r.devices.join(', ')
          )
        : msg(
            '%1 %2 sees no GPU (devices: %3): it runs on the CPU.',
            r.framework,
            r.version ?? '',
            r.devices.join(', ') || '-'
          )
  }));
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1].slice(0, 400);
}
