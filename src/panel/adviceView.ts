import type { TranslationBundle } from '@jupyterlab/translation';

import type { IAdvice, IFinding, IPlan, Verdict } from '../advice/types';
import { CommandIDs } from '../commands';
import { tr } from '../report/message';
import type { ActionRenderer } from './installView';
import { appendRow, el } from '../dom';
import type { ILiveCheckState } from '../tokens';

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

/**
 * The verdict as a phrase for the state line, without a mark: a screen
 * reader reads it after "Probed at …".
 */
export function verdictPhrase(
  advice: IAdvice,
  trans: TranslationBundle
): string {
  if (advice.findings.some(f => f.id === 'cpu-build-on-gpu')) {
    return trans.__('CPU build on a GPU machine');
  }
  const phrases: { [v in Verdict]: string } = {
    ok: trans.__('right build'),
    'works-but-suboptimal': trans.__('works, could be better'),
    'wrong-build': trans.__('wrong build'),
    broken: trans.__('torch is broken'),
    'no-torch': trans.__('no torch'),
    'no-accelerator-visible': trans.__('GPU not visible'),
    'unsupported-platform': trans.__('unsupported platform'),
    unknown: trans.__('no verdict')
  };
  return phrases[advice.verdict];
}

/**
 * The keys of findings: their id, with a count when an id repeats (one
 * finding per hidden GPU reason or smoke device). Keys keep a finding open
 * across re-renders.
 */
export function findingKeys(findings: IFinding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map(f => {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    return n === 1 ? `finding:${f.id}` : `finding:${f.id}#${n}`;
  });
}

function finding(
  f: IFinding,
  key: string,
  trans: TranslationBundle
): HTMLElement {
  const details = el('details', 'jp-TorchDoctor-finding');
  details.dataset.severity = f.severity;
  details.dataset.key = key;
  details.appendChild(
    el('summary', 'jp-TorchDoctor-findingText', tr(trans, f.message))
  );
  // Evidence is data: report fields and the kernel's values, as text.
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
  box.appendChild(el('h3', 'jp-TorchDoctor-planTitle', tr(trans, p.title)));
  if (p.cell) {
    box.appendChild(el('pre', 'jp-TorchDoctor-cell', p.cell));
    if (p.installer) {
      // Which installer runs the cell and why, in one line (#21).
      box.appendChild(
        el('div', 'jp-TorchDoctor-planInstaller', tr(trans, p.installer.reason))
      );
    }
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
    .map(x =>
      trans.__(
        '%1 %2 → %3',
        x.name,
        x.replaces!,
        x.version ?? trans.__('nightly')
      )
    );
  if (replaced.length) {
    meta.push(trans.__('replaces %1', replaced.join(', ')));
  }
  box.appendChild(el('div', 'jp-TorchDoctor-planMeta', meta.join(' · ')));
  for (const w of p.warnings) {
    box.appendChild(el('div', 'jp-TorchDoctor-planWarning', tr(trans, w)));
  }
  return box;
}

/**
 * Render an advice: verdict, summary, findings with their evidence, plans.
 * Findings carry data-key (see {@link findingKeys}) so the panel can keep
 * them open when it renders again.
 */
export function renderAdvice(
  advice: IAdvice,
  trans: TranslationBundle,
  action?: ActionRenderer,
  live: ILiveCheckState | null = null
): HTMLElement {
  const root = el('div', 'jp-TorchDoctor-advice');
  const verdict = el(
    'div',
    'jp-TorchDoctor-verdict',
    verdictLabel(advice.verdict, trans)
  );
  verdict.dataset.verdict = advice.verdict;
  root.append(
    verdict,
    el('p', 'jp-TorchDoctor-summary', tr(trans, advice.summary))
  );
  if (advice.findings.length) {
    root.appendChild(el('h3', 'jp-TorchDoctor-heading', trans.__('Why')));
    const keys = findingKeys(advice.findings);
    advice.findings.forEach((f, i) =>
      root.appendChild(finding(f, keys[i], trans))
    );
  }
  if (advice.plans.length) {
    root.appendChild(
      el('h3', 'jp-TorchDoctor-heading', trans.__('What to run'))
    );
    if (live?.phase === 'checking') {
      root.appendChild(
        el(
          'p',
          'jp-TorchDoctor-live',
          trans.__('Checking the index for these wheels…')
        )
      );
    } else if (live?.phase === 'failed' && live.message) {
      const p = el(
        'p',
        'jp-TorchDoctor-live',
        trans.__(
          '%1 The plans come from the release data.',
          tr(trans, live.message)
        )
      );
      p.dataset.phase = 'failed';
      root.appendChild(p);
    }
    advice.plans.forEach((p, i) => root.appendChild(plan(p, i, trans, action)));
  }
  root.appendChild(
    el(
      'div',
      'jp-TorchDoctor-dataAsOf',
      advice.indexNewer
        ? trans.__(
            'Release data as of %1; the index serves torch %2, newer than the data.',
            advice.dataAsOf,
            advice.indexNewer
          )
        : trans.__('Release data as of %1', advice.dataAsOf)
    )
  );
  return root;
}
