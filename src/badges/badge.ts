/**
 * What a launcher badge says for a kernelspec: pure, from its latest probe.
 */
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';

import type { IProbeRecord } from '../tokens';
import { tr } from '../report/message';

const NULL_TRANS = nullTranslator.load('jupyterlab_torch_doctor');

/** The fit a badge shows. */
export type BadgeFit =
  'ok' | 'warn' | 'broken' | 'no-torch' | 'failed' | 'not-python' | 'unknown';

/**
 * A badge's content, as cached per kernelspec.
 */
export interface IBadge {
  fit: BadgeFit;
  /** Short text on the card, e.g. "✓ 2.13.0+cpu". */
  text: string;
  /** The one-sentence verdict, translated when the badge was made. */
  verdict: string;
  /** ISO time of the probe, or null when never probed. */
  at: string | null;
}

/** The badge of a kernelspec nobody has probed yet. */
export function unprobed(trans: TranslationBundle = NULL_TRANS): IBadge {
  return {
    fit: 'unknown',
    text: '?',
    verdict: trans.__(
      'Not probed yet: run "Probe all kernels" from the Torch Doctor panel.'
    ),
    at: null
  };
}

/** The badge for a finished probe. */
export function badgeOf(
  record: IProbeRecord,
  trans: TranslationBundle = NULL_TRANS
): IBadge {
  const at = record.at.toISOString();
  const o = record.outcome;
  switch (o.kind) {
    case 'not-python':
      return {
        fit: 'not-python',
        text: trans.__('not Python'),
        verdict: trans.__('Not a Python kernel (%1).', o.language),
        at
      };
    case 'timeout':
      return {
        fit: 'failed',
        text: trans.__('✗ timed out'),
        verdict: trans.__('The kernel did not answer the probe in time.'),
        at
      };
    case 'dead':
    case 'invalid':
    case 'error':
      return {
        fit: 'failed',
        text: trans.__('✗ probe failed'),
        verdict: tr(trans, o.message),
        at
      };
  }
  const torch = o.report.packages.torch;
  const advice = record.advice;
  if (!torch) {
    return {
      fit: 'no-torch',
      text: trans.__('no torch'),
      verdict: advice
        ? tr(trans, advice.summary)
        : trans.__('torch is not installed.'),
      at
    };
  }
  const verdict = advice?.verdict ?? 'unknown';
  const [fit, mark]: [BadgeFit, string] =
    verdict === 'ok'
      ? ['ok', '✓']
      : verdict === 'broken' || verdict === 'unsupported-platform'
        ? ['broken', '✗']
        : verdict === 'unknown'
          ? ['unknown', '?']
          : ['warn', '⚠'];
  return {
    fit,
    // The mark first: a narrow card cuts the end of the text.
    text: `${mark} ${torch.build_version}`,
    verdict: advice ? tr(trans, advice.summary) : '',
    at
  };
}

/** One formatter: toLocaleString builds a new one on every call. */
let when: Intl.DateTimeFormat | null = null;

/** The badge's tooltip: the verdict and when it was probed. */
export function badgeTitle(
  badge: IBadge,
  trans: TranslationBundle = NULL_TRANS
): string {
  if (!badge.at) {
    return badge.verdict;
  }
  when ??= new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short'
  });
  return `${badge.verdict} ${trans.__('Probed %1.', when.format(new Date(badge.at)))}`;
}

/** Whether a value read back from IStateDB is a badge. */
export function isBadge(value: unknown): value is IBadge {
  const b = value as IBadge;
  return (
    !!b &&
    typeof b === 'object' &&
    typeof b.text === 'string' &&
    typeof b.fit === 'string' &&
    typeof b.verdict === 'string'
  );
}
