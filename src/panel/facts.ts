import type { TranslationBundle } from '@jupyterlab/translation';

import { progressAnnouncement } from './progressView';
import type { IProbeReport } from '../report/types';
import type { InstallStep } from '../install/types';
import type { IProbeState } from '../tokens';
import { tr } from '../report/message';
import { verdictPhrase } from './adviceView';

/**
 * One labelled line of the panel's fact list.
 */
export interface IFact {
  label: string;
  value: string;
}

/** One short sentence on the state, and how it looks. */
export interface IStateLine {
  text: string;
  kind: 'info' | 'busy' | 'error';
}

/**
 * A one-line description of the model's probe state for the panel header.
 */
export function describeState(
  state: IProbeState,
  trans: TranslationBundle
): IStateLine {
  switch (state.phase) {
    case 'no-kernel':
      return {
        text: trans.__(
          'Open a notebook or console with a Python kernel to probe it.'
        ),
        kind: 'info'
      };
    case 'gone':
      return { text: goneText(trans), kind: 'error' };
    case 'probing':
      return { text: trans.__('Probing the kernel…'), kind: 'busy' };
    case 'waiting':
      return {
        text: trans.__('Waiting for the kernel: it is busy running a cell.'),
        kind: 'busy'
      };
    case 'idle':
      return { text: trans.__('Not probed yet.'), kind: 'info' };
  }
  const outcome = state.outcome;
  switch (outcome?.kind) {
    case 'report': {
      const time = state.probedAt?.toLocaleTimeString() ?? '';
      if (state.failure) {
        // The newer probe failed: say so beside the report kept shown.
        return {
          text: trans.__(
            '%1 The report shown is from %2.',
            failureText(state.failure, trans),
            time
          ),
          kind: 'error'
        };
      }
      return {
        text: state.regression
          ? trans.__(
              'Probed at %1: the build changed since it was verified.',
              time
            )
          : state.advice
            ? trans.__(
                'Probed at %1: %2.',
                time,
                verdictPhrase(state.advice, trans)
              )
            : trans.__('Probed at %1.', time),
        kind: 'info'
      };
    }
    case 'timeout':
    case 'dead':
    case 'invalid':
    case 'error':
      return { text: failureText(outcome, trans), kind: 'error' };
    case 'not-python':
      return {
        text: trans.__(
          'Not a Python kernel (%1): there is no torch to check.',
          outcome.language
        ),
        kind: 'info'
      };
    default:
      return { text: trans.__('Not probed yet.'), kind: 'info' };
  }
}

/** What the panel and status bar say of a kernel gone from the server. */
export function goneText(trans: TranslationBundle): string {
  return trans.__(
    'The kernel is gone from the server: it was shut down, culled or died, or the notebook has no kernel. Choose a kernel to probe it.'
  );
}

/** One sentence on a failed probe. */
function failureText(
  outcome: NonNullable<IProbeState['failure']>,
  trans: TranslationBundle
): string {
  switch (outcome.kind) {
    case 'timeout':
      return outcome.waitedForBusyKernel
        ? trans.__(
            'Timed out waiting for the busy kernel. Probe again when it is idle.'
          )
        : trans.__('Timed out: the kernel did not answer.');
    case 'dead':
    case 'invalid':
    case 'error':
      return tr(trans, outcome.message);
    default:
      return '';
  }
}

/** Install steps that speak over a probe in progress (it is theirs). */
const INSTALL_BUSY: InstallStep[] = ['running', 'restarting', 'verifying'];

/**
 * The panel's live state line: the install step while an install runs or
 * has just ended, else the probe state. Short, so a screen reader reads it
 * whole on each change.
 */
export function stateLine(
  state: IProbeState,
  trans: TranslationBundle
): IStateLine {
  const step = state.install?.step;
  const probing = state.phase === 'probing' || state.phase === 'waiting';
  if (
    step &&
    (INSTALL_BUSY.includes(step) ||
      (!probing && step !== 'inserted' && step !== 'cancelled'))
  ) {
    switch (step) {
      case 'running':
        return {
          text: state.install?.progress
            ? progressAnnouncement(state.install.progress, trans)
            : trans.__('Installing…'),
          kind: 'busy'
        };
      case 'restarting':
        return { text: trans.__('Restarting the kernel…'), kind: 'busy' };
      case 'verifying':
        return { text: trans.__('Verifying the install…'), kind: 'busy' };
      case 'failed':
        return { text: trans.__('The install failed.'), kind: 'error' };
      case 'interrupted':
        return {
          text: trans.__('The install was interrupted.'),
          kind: 'error'
        };
      case 'restart-pending':
        return {
          text: trans.__('Installed: restart the kernel to verify.'),
          kind: 'info'
        };
      case 'verified':
        return { text: trans.__('The install is verified.'), kind: 'info' };
      case 'not-verified':
        return {
          text: trans.__('The install is not verified.'),
          kind: 'error'
        };
    }
  }
  return describeState(state, trans);
}

function pkgLine(
  report: IProbeReport,
  name: 'torch' | 'torchvision' | 'torchaudio',
  trans: TranslationBundle
): string {
  const pkg = report.packages[name];
  if (!pkg) {
    return trans.__('not installed');
  }
  const where = pkg.installer ? ` (${pkg.installer})` : '';
  return `${pkg.build_version}${where}`;
}

/**
 * The facts of a report as label/value pairs; values are plain text.
 */
export function summarizeReport(
  report: IProbeReport,
  trans: TranslationBundle
): IFact[] {
  const nv = report.nvidia;
  const facts: IFact[] = [
    {
      label: trans.__('Python'),
      value: `${report.python.version} · ${report.python.executable}`
    },
    {
      label: trans.__('Environment'),
      value: `${report.environment.kind} · ${report.environment.hostname}`
    },
    {
      label: trans.__('Platform'),
      value: [
        report.platform.system,
        report.platform.machine,
        report.platform.manylinux
      ]
        .filter(Boolean)
        .join(' · ')
    },
    { label: 'torch', value: pkgLine(report, 'torch', trans) },
    { label: 'torchvision', value: pkgLine(report, 'torchvision', trans) },
    { label: 'torchaudio', value: pkgLine(report, 'torchaudio', trans) },
    {
      label: trans.__('NVIDIA driver'),
      value: nv.driver
        ? `${nv.driver}${nv.cuda_driver_max ? ` (CUDA ≤ ${nv.cuda_driver_max})` : ''}`
        : trans.__('none found')
    }
  ];
  for (const gpu of nv.gpus) {
    facts.push({
      label: trans.__('GPU %1', gpu.index),
      value: `${gpu.name}${gpu.compute_capability ? ` · sm ${gpu.compute_capability}` : ''}`
    });
  }
  for (const gpu of report.amd.gpus) {
    facts.push({
      label: trans.__('AMD GPU'),
      value: gpu.gfx ?? String(gpu.gfx_target_version)
    });
  }
  for (const gpu of report.intel.gpus) {
    facts.push({
      label: trans.__('Intel GPU'),
      value: `${gpu.device_id ?? '?'} · ${gpu.discrete ? trans.__('discrete') : trans.__('integrated')}`
    });
  }
  if (report.apple) {
    facts.push({
      label: 'Apple MPS',
      value: report.apple.mps_os_supported
        ? trans.__('macOS supports MPS')
        : trans.__('macOS too old for MPS')
    });
  }
  if (nv.nvcc) {
    facts.push({
      label: 'nvcc',
      value: `${nv.nvcc.version ?? '?'} · ${trans.__('not used by pip wheels')}`
    });
  }
  if (report.torch_imported) {
    facts.push({
      label: trans.__('Imported torch'),
      value: trans.__(
        '%1 (restart the kernel for a change to apply)',
        report.torch_imported.version ?? '?'
      )
    });
  }
  const deep = report.deep;
  if (deep) {
    const smoke = (deep.smoke ?? [])
      .map(s => `${s.device} ${s.ok ? '✓' : '✗'}`)
      .join(', ');
    facts.push({
      label: trans.__('Deep check'),
      value:
        deep.status === 'ok'
          ? deep.torch?.imported
            ? `${trans.__('torch imports')} · ${smoke}`
            : `${trans.__('import failed')}: ${deep.torch?.error?.message ?? ''}`
          : `${deep.status}: ${deep.error ?? ''}`
    });
  }
  return facts;
}
