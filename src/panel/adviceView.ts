import type { TranslationBundle } from '@jupyterlab/translation';

import type { IAdvice, IFinding, IPlan, Verdict } from '../advice/types';
import { CommandIDs } from '../commands';
import type { ActionRenderer } from './installView';
import { appendRow, el } from '../dom';

/** The short label and mark of each verdict. */
export function verdictLabel(
  verdict: Verdict,
  trans: TranslationBundle
): string {
  const labels: { [v in Verdict]: string } = {
    ok: trans.__('✓ Right build'),
    'works-but-suboptimal': trans.__('⚠ Works, could be better'),
    'wrong-build': trans.__('⚠ Wrong build'),
    broken: trans.__('✗ Broken'),
    'no-torch': trans.__('No torch'),
    'no-accelerator-visible': trans.__('⚠ GPU not visible'),
    'unsupported-platform': trans.__('✗ Unsupported platform'),
    unknown: trans.__('? Unknown')
  };
  return labels[verdict];
}

function finding(f: IFinding): HTMLElement {
  const details = el('details', 'jp-TorchDoctor-finding');
  details.dataset.severity = f.severity;
  details.appendChild(el('summary', 'jp-TorchDoctor-findingText', f.message));
  const list = el('dl', 'jp-TorchDoctor-evidence');
  for (const [field, value] of Object.entries(f.evidence)) {
    appendRow(list, field, value === null ? 'null' : String(value));
  }
  details.appendChild(list);
  return details;
}

function plan(
  p: IPlan,
  index: number,
  trans: TranslationBundle,
  action?: ActionRenderer
): HTMLElement {
  const box = el('section', 'jp-TorchDoctor-plan');
  box.dataset.kind = p.kind;
  box.appendChild(el('h3', 'jp-TorchDoctor-planTitle', p.title));
  if (p.cell) {
    box.appendChild(el('pre', 'jp-TorchDoctor-cell', p.cell));
    if (action) {
      box.appendChild(
        action({
          label: trans.__('Insert Install Cell'),
          command: CommandIDs.insertInstallCell,
          args: { plan: index }
        })
      );
    }
  }
  const meta: string[] = [];
  if (p.downloadMb !== null) {
    meta.push(trans.__('about %1 MB to download', Math.round(p.downloadMb)));
  }
  meta.push(
    p.confirmedBy === 'live-index'
      ? trans.__('confirmed on the index')
      : trans.__('from the release data')
  );
  const replaced = p.packages
    .filter(x => x.replaces)
    .map(x => `${x.name} ${x.replaces} → ${x.version ?? 'nightly'}`);
  if (replaced.length) {
    meta.push(trans.__('replaces %1', replaced.join(', ')));
  }
  box.appendChild(el('div', 'jp-TorchDoctor-planMeta', meta.join(' · ')));
  for (const w of p.warnings) {
    box.appendChild(el('div', 'jp-TorchDoctor-planWarning', w));
  }
  return box;
}

/**
 * Render an advice: verdict, summary, findings with their evidence, plans.
 */
export function renderAdvice(
  advice: IAdvice,
  trans: TranslationBundle,
  action?: ActionRenderer
): HTMLElement {
  const root = el('div', 'jp-TorchDoctor-advice');
  const verdict = el(
    'div',
    'jp-TorchDoctor-verdict',
    verdictLabel(advice.verdict, trans)
  );
  verdict.dataset.verdict = advice.verdict;
  root.append(verdict, el('p', 'jp-TorchDoctor-summary', advice.summary));
  if (advice.findings.length) {
    root.appendChild(el('h3', 'jp-TorchDoctor-heading', trans.__('Why')));
    advice.findings.forEach(f => root.appendChild(finding(f)));
  }
  if (advice.plans.length) {
    root.appendChild(
      el('h3', 'jp-TorchDoctor-heading', trans.__('What to run'))
    );
    advice.plans.forEach((p, i) => root.appendChild(plan(p, i, trans, action)));
  }
  root.appendChild(
    el(
      'div',
      'jp-TorchDoctor-dataAsOf',
      trans.__('Release data as of %1', advice.dataAsOf)
    )
  );
  return root;
}
