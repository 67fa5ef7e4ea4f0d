/**
 * The plan preview: before the user confirms an install, pip (or uv) is
 * asked in a job what the plan would change (`--dry-run`), and the answer is
 * read here: installs, upgrades, downgrades, and which installed package's
 * requirement the plan would break. Pure: the job itself runs in the probe
 * layer (src/probe/previewJob.ts, jupyterlab_torch_doctor/probe/preview.py).
 */
import Ajv, { type ValidateFunction } from 'ajv';

import {
  evaluateMarker,
  markerEnv,
  meets,
  parseRequirement
} from '../advice/requirement';
import type { IPlan } from '../advice/types';
import { compareVersions } from '../advice/versions';
import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';

/** A finished job as the probe layer reports it (src/probe/jobs.ts IJobResult). */
export interface IPreviewJob {
  status: 'ok' | 'timeout' | 'crashed' | 'error';
  result: unknown;
  error: string | null;
  duration_ms: number | null;
  end?: 'timeout' | 'dead';
}

/** A running job: its answer, and a way to stop waiting (the child is killed). */
export interface IJobRun<T> {
  result: Promise<T>;
  stop(): void;
}

/** One package the plan would change. */
export interface IPreviewChange {
  name: string;
  from: string | null;
  to: string;
  kind: 'install' | 'upgrade' | 'downgrade' | 'reinstall';
}

/** An installed package whose requirement the plan would break. */
export interface IPreviewBreak {
  requirer: string;
  requirerVersion: string;
  /** The requirement, e.g. nvidia-cudnn-cu13>=9.30. */
  requirement: string;
  /** What the plan installs of the required package. */
  version: string;
}

/** What the dialog shows. */
export interface IPlanPreview {
  state: 'ok' | 'failed';
  /** Why the preview failed, for the dialog. */
  message: IMessage | null;
  tool: 'pip' | 'uv' | null;
  changes: IPreviewChange[];
  breaks: IPreviewBreak[];
  /** How long the dry run took, as the job measured it. */
  ms: number | null;
}

/** A running preview. */
export type IPreviewRun = IJobRun<IPlanPreview>;

/** The dry run's own timeout, and the job's hard deadline around it. */
export const PREVIEW_PIP_TIMEOUT_S = 20;
export const PREVIEW_DEADLINE_S = 25;

const SCHEMA = {
  type: 'object',
  required: ['tool', 'installs', 'removes', 'requirers', 'error'],
  properties: {
    tool: { enum: ['pip', 'uv'] },
    error: { type: ['string', 'null'] },
    installs: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['name', 'version'],
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          before: { type: ['string', 'null'] }
        }
      }
    },
    removes: { type: 'array', maxItems: 200 },
    requirers: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['name', 'version', 'requires'],
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          requires: { type: 'array', maxItems: 20, items: { type: 'string' } }
        }
      }
    }
  }
};
let validate: ValidateFunction | null = null;

function failed(message: IMessage, ms: number | null = null): IPlanPreview {
  return { state: 'failed', message, tool: null, changes: [], breaks: [], ms };
}

/**
 * The job's arguments for a plan: its exact pins and its index; null when
 * there is nothing to preview (not an install plan).
 */
export function previewArgs(
  plan: IPlan,
  report: IProbeReport
): { [key: string]: unknown } | null {
  if (plan.kind !== 'install' || !plan.packages.length) {
    return null;
  }
  const env = report.environment;
  return {
    requirements: plan.packages.map(p =>
      p.version ? `${p.name}==${p.version}` : p.name
    ),
    index_url: plan.indexUrl,
    pre: plan.packages.some(p => p.version === null),
    uv: !env.pip_available && env.uv_path ? env.uv_path : null,
    timeout: PREVIEW_PIP_TIMEOUT_S
  };
}

/** Read a finished preview job. Pure: bad replies give a failed preview. */
export function readPreview(
  job: IPreviewJob,
  report: IProbeReport
): IPlanPreview {
  if (job.end === 'timeout' || job.status === 'timeout') {
    return failed(msg('The preview did not finish in time.'), job.duration_ms);
  }
  if (job.end === 'dead') {
    return failed(msg('The kernel died or restarted during the preview.'));
  }
  if (job.status !== 'ok') {
    return failed(
      msg('The preview failed: %1', job.error ?? job.status),
      job.duration_ms
    );
  }
  validate = validate ?? new Ajv({ strict: false }).compile(SCHEMA);
  const res = job.result as {
    tool: 'pip' | 'uv';
    error: string | null;
    installs: { name: string; version: string; before?: string | null }[];
    requirers: { name: string; version: string; requires: string[] }[];
  };
  if (!validate(res)) {
    return failed(msg('The preview reply is malformed.'), job.duration_ms);
  }
  if (res.error) {
    return failed(
      msg('%1 could not resolve the plan: %2', res.tool, lastLines(res.error)),
      job.duration_ms
    );
  }
  const changes: IPreviewChange[] = res.installs.map(i => {
    const from = i.before ?? null;
    let order = 0;
    try {
      order = from === null ? 0 : compareVersions(i.version, from);
    } catch {
      order = 0;
    }
    return {
      name: i.name,
      from,
      to: i.version,
      kind:
        from === null
          ? 'install'
          : order > 0
            ? 'upgrade'
            : order < 0
              ? 'downgrade'
              : 'reinstall'
    };
  });
  const planned = new Map(changes.map(c => [c.name, c]));
  const env = markerEnv(report);
  const breaks: IPreviewBreak[] = [];
  for (const q of res.requirers) {
    for (const line of q.requires) {
      const r = parseRequirement(line);
      const c = r ? planned.get(r.name) : undefined;
      if (!r || !c) {
        continue;
      }
      // An extra's requirement counts when its package is installed already.
      const applies = evaluateMarker(r.marker, env);
      if (applies === false || (applies === null && c.from === null)) {
        continue;
      }
      if (!meets(c.to, r.spec)) {
        breaks.push({
          requirer: q.name,
          requirerVersion: q.version,
          requirement: `${r.name}${r.spec}`,
          version: c.to
        });
      }
    }
  }
  return {
    state: 'ok',
    message: null,
    tool: res.tool,
    changes,
    breaks,
    ms: job.duration_ms
  };
}

function lastLines(text: string): string {
  return text.trim().split(/\r?\n/).slice(-3).join(' ').slice(-600);
}

/**
 * Start the preview of a plan with a job runner from the probe layer;
 * null when the plan has nothing to preview.
 */
export function previewPlan(
  plan: IPlan,
  report: IProbeReport,
  start: (args: object, deadlineS: number) => IJobRun<IPreviewJob>
): IPreviewRun | null {
  const args = previewArgs(plan, report);
  if (!args) {
    return null;
  }
  const run = start(args, PREVIEW_DEADLINE_S);
  return {
    result: run.result
      .then(job => readPreview(job, report))
      .catch(reason => failed(msg('The preview failed: %1', String(reason)))),
    stop: () => run.stop()
  };
}
