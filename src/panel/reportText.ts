import type { TranslationBundle } from '@jupyterlab/translation';

import { english } from '../report/message';
import type { IProbeState } from '../tokens';
import { verdictLabel } from './adviceView';
import { describeState, summarizeReport } from './facts';

/**
 * The state as plain text for a bug report: the kernel, the verdict and its
 * reasons with evidence, the facts, the plans and the probe's errors.
 * Markdown-friendly (fenced cells) and free of HTML. The engine's sentences
 * stay English, for the issue tracker.
 */
export function reportText(
  state: IProbeState,
  trans: TranslationBundle,
  extensionVersion = ''
): string {
  const lines: string[] = [
    `Torch Doctor report${extensionVersion ? ` (jupyterlab-torch-doctor ${extensionVersion})` : ''}`,
    `Kernel: ${state.kernelDisplayName ?? 'none'}${state.kernelName ? ` [${state.kernelName}]` : ''}`,
    `State: ${describeState(state, trans).text}`
  ];
  const advice = state.advice;
  if (advice) {
    lines.push(
      '',
      `Verdict: ${verdictLabel(advice.verdict, trans)} (${advice.verdict})`,
      english(advice.summary)
    );
    for (const f of advice.findings) {
      lines.push(`- [${f.severity}] ${f.id}: ${english(f.message)}`);
      for (const [k, v] of Object.entries(f.evidence)) {
        lines.push(`    ${k} = ${v === null ? 'null' : String(v)}`);
      }
    }
  }
  if (state.outcome?.kind === 'report') {
    const report = state.outcome.report;
    lines.push('', 'Facts:');
    for (const fact of summarizeReport(report, trans)) {
      lines.push(`- ${fact.label}: ${fact.value}`);
    }
    for (const e of report.errors) {
      lines.push(
        `- probe ${e.source}: ${e.reason} ${e.detail}`.replace(/\s+$/, '')
      );
    }
    lines.push(
      `- probe ${report.probe.version} at ${report.probe.time}${report.probe.root_override ? ' (root override)' : ''}`
    );
  }
  if (advice?.plans.length) {
    lines.push('', 'Plans:');
    for (const p of advice.plans) {
      lines.push(`- ${english(p.title)} (${p.confirmedBy})`);
      if (p.cell) {
        lines.push('```', p.cell, '```');
      }
      p.warnings.forEach(w => lines.push(`  ! ${english(w)}`));
    }
  }
  if (state.regression) {
    lines.push('', 'Changed since verified:');
    for (const c of state.regression.changes) {
      lines.push(`- ${c.name}: ${c.verified} → ${c.now ?? 'not installed'}`);
    }
  }
  if (state.install) {
    const install = state.install;
    lines.push('', `Install: ${install.step}: ${english(install.message)}`);
    install.reasons.forEach(r => lines.push(`- ${english(r)}`));
  }
  if (advice) {
    lines.push('', `Release data as of ${advice.dataAsOf}`);
    if (advice.indexNewer) {
      lines.push(
        `The index serves torch ${advice.indexNewer}, newer than the data.`
      );
    }
  }
  return lines.join('\n') + '\n';
}
