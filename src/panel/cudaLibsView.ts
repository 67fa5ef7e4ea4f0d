/**
 * The "CUDA libraries" section: the CUDA families installed next to torch
 * (JAX, CuPy, TensorFlow, NVIDIA wheels, conda, LD_LIBRARY_PATH), findings on
 * top. Collapsed when all is well. Every kernel-provided value is text.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ICudaFinding, ICudaLibsAdvice } from '../advice/cudaLibs';
import { CommandIDs } from '../commands';
import type { ActionRenderer } from './installView';
import { appendRow, el } from '../dom';
import { tr } from '../report/message';

function finding(
  f: ICudaFinding,
  index: number,
  trans: TranslationBundle,
  action?: ActionRenderer
): HTMLElement {
  const details = el('details', 'jp-TorchDoctor-finding');
  details.dataset.severity = f.severity;
  details.dataset.key = `cuda:${f.id}:${Object.values(f.evidence).join('|')}`;
  details.appendChild(
    el('summary', 'jp-TorchDoctor-findingText', tr(trans, f.message))
  );
  const list = el('dl', 'jp-TorchDoctor-evidence');
  for (const [field, value] of Object.entries(f.evidence)) {
    appendRow(list, field, value === null ? 'null' : String(value));
  }
  details.appendChild(list);
  if (f.cell) {
    details.appendChild(el('div', 'jp-TorchDoctor-cudaFix', trans.__('Fix:')));
    details.appendChild(el('pre', 'jp-TorchDoctor-cell', f.cell));
    if (action) {
      details.appendChild(
        action({
          label: trans.__('Insert Fix Cell'),
          key: `cuda-fix:${details.dataset.key}`,
          command: CommandIDs.insertCudaFix,
          args: { finding: index }
        })
      );
    }
  }
  if (f.note) {
    details.appendChild(el('p', 'jp-TorchDoctor-cudaNote', tr(trans, f.note)));
  }
  return details;
}

/**
 * Render the section, or null when the kernel has no CUDA library at all
 * and nothing to say.
 */
export function renderCudaLibs(
  advice: ICudaLibsAdvice,
  trans: TranslationBundle,
  options: { action?: ActionRenderer; afterInstall?: boolean } = {}
): HTMLElement | null {
  if (
    !advice.findings.length &&
    !advice.rows.length &&
    !advice.conda.length &&
    !advice.ldPaths.length
  ) {
    return null;
  }
  const box = el('details', 'jp-TorchDoctor-cudaLibs');
  box.dataset.key = 'cuda-libs';
  const worst = advice.hasError
    ? 'error'
    : advice.findings.some(f => f.severity === 'warning')
      ? 'warning'
      : 'ok';
  box.dataset.severity = worst;
  // Collapsed when all is well; open on a problem.
  box.open = worst !== 'ok' || (!!options.afterInstall && !!options.action);
  box.appendChild(
    el(
      'summary',
      'jp-TorchDoctor-heading',
      advice.findings.length
        ? trans._n(
            'CUDA libraries: %1 problem',
            'CUDA libraries: %1 problems',
            advice.findings.length
          )
        : trans.__('CUDA libraries: no clash found')
    )
  );
  advice.findings.forEach((f, i) =>
    box.appendChild(finding(f, i, trans, options.action))
  );
  if (advice.rows.length) {
    const list = el('dl', 'jp-TorchDoctor-facts');
    list.setAttribute('aria-label', trans.__('CUDA libraries'));
    for (const r of advice.rows) {
      appendRow(
        list,
        r.name,
        r.cuda === null
          ? r.version
          : trans.__('%1 · CUDA %2', r.version, r.cuda)
      );
    }
    box.appendChild(list);
  }
  if (advice.conda.length) {
    box.appendChild(el('div', 'jp-TorchDoctor-cudaNote', trans.__('conda')));
    const list = el('dl', 'jp-TorchDoctor-facts');
    for (const r of advice.conda) {
      appendRow(list, r.name, r.version);
    }
    box.appendChild(list);
  }
  // The optional step after an install: only on the user's click.
  const frameworks = advice.rows.some(r =>
    /^(jax-cuda\d+-(plugin|pjrt)|cupy-cuda\d+x?)$/.test(r.name)
  );
  if (options.action && options.afterInstall && frameworks) {
    box.appendChild(
      options.action({
        label: trans.__('Check That JAX and CuPy Still See the GPU'),
        command: CommandIDs.checkFrameworksGpu
      })
    );
  }
  for (const e of advice.ldPaths) {
    box.appendChild(
      el(
        'div',
        'jp-TorchDoctor-cudaNote',
        trans.__('LD_LIBRARY_PATH %1: %2', e.path, e.libs.join(', '))
      )
    );
  }
  return box;
}
