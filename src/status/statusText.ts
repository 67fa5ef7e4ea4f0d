/**
 * The status-bar text for a probe state: pure, so every verdict and state is
 * unit-tested without a kernel.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IAdvice } from '../advice/types';
import type { IProbeReport } from '../report/types';
import type { IProbeState } from '../tokens';
import { tr } from '../report/message';
import { goneText } from '../panel/facts';
import { inForce, protectionOf } from '../install/protect';

/** How the item looks: its colour follows the level. */
export type StatusLevel = 'ok' | 'warn' | 'error' | 'busy' | 'info';

/** The status item's content. */
export interface IStatusSummary {
  /** Short text for the status bar. */
  text: string;
  /** The tooltip: the one-sentence verdict and when it was probed. */
  title: string;
  level: StatusLevel;
}

/** A GPU name short enough for the status bar ("NVIDIA GeForce RTX 4090" → "RTX 4090"). */
export function shortGpuName(name: string): string {
  const short = name
    .replace(/^(NVIDIA|AMD|Intel\(R\)|Intel)\s+/i, '')
    .replace(/^(GeForce|Radeon|Tesla|Quadro)\s+/i, '')
    .replace(/\s+(PCIe|SXM\d?|\d+\s?GB)\b.*$/i, '')
    .trim();
  return short || name;
}

/** The first GPU the report shows, as a short name, or null. */
export function firstGpu(
  report: IProbeReport,
  trans: TranslationBundle
): string | null {
  const nv = report.nvidia.gpus[0];
  if (nv && report.nvidia.driver) {
    const more = report.nvidia.gpus.length - 1;
    return shortGpuName(nv.name) + (more > 0 ? ` +${more}` : '');
  }
  const amd = report.amd.kfd ? report.amd.gpus[0] : undefined;
  if (amd) {
    return amd.gfx ?? trans.__('AMD GPU');
  }
  if (report.intel.gpus.some(g => g.discrete)) {
    return trans.__('Intel GPU');
  }
  if (report.apple?.apple_silicon && report.apple.mps_os_supported) {
    return 'MPS';
  }
  return null;
}

/** The verdict as a short phrase with its mark. */
function verdictPhrase(
  advice: IAdvice,
  report: IProbeReport,
  trans: TranslationBundle
): { text: string; level: StatusLevel } {
  const ids = new Set(advice.findings.map(f => f.id));
  switch (advice.verdict) {
    case 'ok': {
      const gpu = firstGpu(report, trans);
      return gpu
        ? { text: `${gpu} ✓`, level: 'ok' }
        : { text: trans.__('no GPU'), level: 'ok' };
    }
    case 'works-but-suboptimal':
      return { text: trans.__('could be better ⚠'), level: 'warn' };
    case 'wrong-build':
      return ids.has('cpu-build-on-gpu')
        ? { text: trans.__('CPU build on a GPU machine ⚠'), level: 'warn' }
        : { text: trans.__('wrong build ⚠'), level: 'warn' };
    case 'broken':
      return { text: trans.__('broken ✗'), level: 'error' };
    case 'no-accelerator-visible':
      return { text: trans.__('GPU not visible ⚠'), level: 'warn' };
    case 'unsupported-platform':
      return { text: trans.__('unsupported platform ✗'), level: 'error' };
    case 'no-torch':
      return { text: '', level: 'info' };
    default:
      return { text: '?', level: 'info' };
  }
}

/**
 * What the status item shows for a state, or null when it is hidden (no
 * kernel).
 */
export function statusSummary(
  state: IProbeState,
  trans: TranslationBundle
): IStatusSummary | null {
  if (state.phase === 'no-kernel') {
    return null;
  }
  if (state.phase === 'gone') {
    return {
      text: trans.__('torch: no kernel'),
      title: goneText(trans),
      level: 'error'
    };
  }
  const when = state.probedAt
    ? trans.__('Probed at %1.', state.probedAt.toLocaleTimeString())
    : trans.__('Not probed yet.');
  const busy = state.phase === 'probing' || state.phase === 'waiting';
  const outcome = state.outcome;
  if (!outcome || (busy && outcome.kind !== 'report')) {
    return busy
      ? {
          text: trans.__('torch: probing…'),
          title: trans.__('Torch Doctor is probing the kernel.'),
          level: 'busy'
        }
      : { text: trans.__('torch: ?'), title: when, level: 'info' };
  }
  switch (outcome.kind) {
    case 'not-python':
      return {
        text: trans.__('torch: n/a'),
        title: trans.__('Not a Python kernel (%1).', outcome.language),
        level: 'info'
      };
    case 'timeout':
      return {
        text: trans.__('torch: probe timed out'),
        title: when,
        level: 'error'
      };
    case 'dead':
      return {
        text: trans.__('torch: kernel dead'),
        title: tr(trans, outcome.message),
        level: 'error'
      };
    case 'invalid':
    case 'error':
      return {
        text: trans.__('torch: probe failed'),
        title: tr(trans, outcome.message),
        level: 'error'
      };
  }
  const report = outcome.report;
  // A report the engine judged malformed may lack any field.
  const torch = report.packages?.torch;
  const advice = state.advice;
  const head = torch
    ? trans.__('torch %1', torch.build_version)
    : trans.__('no torch');
  // Where the kernel runs: another host's name for a kernel behind a
  // gateway, with the interpreter the probe ran in.
  const host = report.environment?.hostname;
  const where =
    host && report.python?.executable
      ? ' ' + trans.__('Kernel on %1: %2.', host, report.python.executable)
      : '';
  const title =
    (advice ? `${tr(trans, advice.summary)} ${when}` : when) + where;
  if (!advice) {
    return { text: head, title, level: 'info' };
  }
  const phrase = verdictPhrase(advice, report, trans);
  const parts = [head, phrase.text];
  let level = phrase.level;
  if (inForce(protectionOf(report))) {
    parts.push(trans.__('protected'));
  }
  // The CUDA libraries change the text only when one of their findings is an error.
  if (advice.cudaLibs?.hasError) {
    parts.push(trans.__('CUDA libraries ✗'));
    level = 'error';
  }
  if (state.regression) {
    parts.push(trans.__('changed since verified ⚠'));
    level = level === 'error' ? level : 'warn';
  }
  return {
    text: parts.filter(Boolean).join(' · '),
    title,
    level
  };
}
