/**
 * The plan preview in the confirm dialog: a line while pip's dry run runs,
 * then what the install would change and which requirement it would break.
 * Text only: every name and version comes from the kernel.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { el } from '../dom';
import { tr } from '../report/message';
import type { IPlanPreview, IPreviewChange } from './preview';

/** Rows shown before "and N more". */
const MAX_ROWS = 30;

function kindText(c: IPreviewChange, trans: TranslationBundle): string {
  switch (c.kind) {
    case 'install':
      return trans.__('%1 %2 (new)', c.name, c.to);
    case 'upgrade':
      return trans.__('%1 %2 → %3 (upgrade)', c.name, c.from ?? '', c.to);
    case 'downgrade':
      return trans.__('%1 %2 → %3 (downgrade)', c.name, c.from ?? '', c.to);
    default:
      return trans.__('%1 %2 (reinstall)', c.name, c.to);
  }
}

/** Fill `node` with a finished preview. */
export function showPreview(
  node: HTMLElement,
  p: IPlanPreview,
  trans: TranslationBundle
): void {
  node.replaceChildren();
  node.dataset.state = p.state;
  if (p.state === 'failed') {
    node.appendChild(
      el(
        'p',
        'jp-TorchDoctor-previewText',
        trans.__(
          'No preview: %1 You can still run the install.',
          p.message ? tr(trans, p.message) : ''
        )
      )
    );
    return;
  }
  node.appendChild(
    el(
      'p',
      'jp-TorchDoctor-previewText',
      p.ms !== null
        ? trans.__(
            '%1’s dry run (%2 s) would change:',
            p.tool ?? 'pip',
            (p.ms / 1000).toFixed(1)
          )
        : trans.__('%1’s dry run would change:', p.tool ?? 'pip')
    )
  );
  const list = el('ul', 'jp-TorchDoctor-previewList');
  for (const c of p.changes.slice(0, MAX_ROWS)) {
    const item = el('li', '', kindText(c, trans));
    item.dataset.kind = c.kind;
    list.appendChild(item);
  }
  if (p.changes.length > MAX_ROWS) {
    list.appendChild(
      el('li', '', trans.__('and %1 more', p.changes.length - MAX_ROWS))
    );
  }
  if (!p.changes.length) {
    list.appendChild(el('li', '', trans.__('nothing: all is installed')));
  }
  node.appendChild(list);
  for (const b of p.breaks) {
    node.appendChild(
      el(
        'p',
        'jp-TorchDoctor-previewBreak',
        trans.__(
          '%1 %2 needs %3; this plan installs %4.',
          b.requirer,
          b.requirerVersion,
          b.requirement,
          b.version
        )
      )
    );
  }
  if (!p.breaks.length) {
    node.appendChild(
      el(
        'p',
        'jp-TorchDoctor-previewText',
        trans.__('No installed package’s requirement would break.')
      )
    );
  }
}

/**
 * The preview's place in the dialog: a waiting line now, the answer when
 * it comes. The dialog's buttons never wait for it.
 */
export function previewNode(
  preview: Promise<IPlanPreview>,
  trans: TranslationBundle
): HTMLElement {
  const node = el('div', 'jp-TorchDoctor-preview');
  node.dataset.state = 'running';
  node.setAttribute('aria-live', 'polite');
  node.appendChild(
    el(
      'p',
      'jp-TorchDoctor-previewText',
      trans.__('Asking pip what this install would change (a dry run)…')
    )
  );
  void preview.then(p => showPreview(node, p, trans));
  return node;
}
