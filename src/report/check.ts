import Ajv, { type ValidateFunction } from 'ajv';

import schema from './probe-report.schema.json';
import { msg, type IMessage } from './message';
import type { IProbeReport } from './types';

/** Replies larger than this are rejected unread (a real report is ~10 kB). */
export const MAX_REPORT_CHARS = 1_000_000;

/**
 * The result of checking kernel-provided data against the report schema.
 */
export type ReportCheck =
  | { ok: true; report: IProbeReport }
  | { ok: false; message: IMessage; problems: string[] };

let validator: ValidateFunction | null = null;

function getValidator(): ValidateFunction {
  if (!validator) {
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

/**
 * Validate kernel-provided data as a probe report. Anything that is not a
 * well-formed report of a known schema version is rejected with a message.
 */
export function checkReport(data: unknown): ReportCheck {
  let size: number;
  try {
    size = JSON.stringify(data ?? null).length;
  } catch {
    return {
      ok: false,
      message: msg('The probe reply is not JSON.'),
      problems: ['not JSON']
    };
  }
  if (size > MAX_REPORT_CHARS) {
    return {
      ok: false,
      message: msg(
        'The probe reply is too large (%1 characters; the limit is %2).',
        size,
        MAX_REPORT_CHARS
      ),
      problems: ['too large']
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      ok: false,
      message: msg('The probe reply is not a JSON object.'),
      problems: ['not an object']
    };
  }
  const version = (data as { schema_version?: unknown }).schema_version;
  if (version !== 1) {
    return {
      ok: false,
      message: msg(
        'The probe reply has schema version %1; this extension reads version 1.',
        JSON.stringify(version) ?? 'undefined'
      ),
      problems: ['schema_version']
    };
  }
  const validate = getValidator();
  if (!validate(data)) {
    // Every problem, so a caller can list the missing or malformed facts.
    const problems = (validate.errors ?? [])
      .slice(0, 20)
      .map(e => `${e.instancePath || '(report)'} ${e.message ?? ''}`.trim());
    return {
      ok: false,
      message: msg(
        'The probe reply does not match the report schema: %1',
        problems[0] ?? ''
      ),
      problems
    };
  }
  return { ok: true, report: data as IProbeReport };
}
