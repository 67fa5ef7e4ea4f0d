/**
 * The body of the "run the install" dialog: what runs, where, and what it
 * replaces. Text only; every value may come from the kernel.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IPlan } from '../advice/types';
import { appendRow as row } from '../dom';
import { tr } from '../report/message';
import type { IProbeReport } from '../report/types';
import type { IPlanPreview } from './preview';
import { previewNode } from './previewView';
import { sameCell } from './verify';

/** Bytes as GB or MB. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9
    ? `${(bytes / 1e9).toFixed(1)} GB`
    : `${Math.round(bytes / 1e6)} MB`;
}

/**
 * The dialog body for running `cell`, planned as `plan`, in the kernel that
 * produced `report`.
 */
export function confirmBody(
  plan: IPlan,
  cell: string,
  report: IProbeReport,
  trans: TranslationBundle,
  preview: Promise<IPlanPreview> | null = null
): Widget {
  const node = document.createElement('div');
  node.className = 'jp-TorchDoctor-confirm';
  const pre = document.createElement('pre');
  pre.className = 'jp-TorchDoctor-cell';
  pre.textContent = cell;
  node.appendChild(pre);
  const list = document.createElement('dl');
  list.className = 'jp-TorchDoctor-facts';
  row(list, trans.__('Environment'), report.python.executable);
  const edited = !sameCell(cell, plan.cell);
  if (edited) {
    row(
      list,
      trans.__('Plan'),
      trans.__(
        'The cell was edited: it no longer matches the plan, so verification will only show what it finds.'
      )
    );
  } else {
    for (const p of plan.packages) {
      row(
        list,
        p.name,
        `${p.replaces ?? trans.__('not installed')} → ${p.version ?? trans.__('newest nightly')}`
      );
    }
  }
  if (plan.downloadMb !== null) {
    row(
      list,
      trans.__('Download'),
      trans.__('about %1 MB', Math.round(plan.downloadMb))
    );
  }
  for (const [label, disk] of Object.entries(report.install.disk)) {
    if (disk.free_bytes !== null) {
      row(
        list,
        trans.__('Free disk (%1)', label),
        `${formatBytes(disk.free_bytes)} · ${disk.path ?? ''}`
      );
    }
  }
  node.appendChild(list);
  if (preview) {
    node.appendChild(previewNode(preview, trans));
  }
  for (const w of plan.warnings) {
    const warn = document.createElement('p');
    warn.className = 'jp-TorchDoctor-planWarning';
    warn.textContent = tr(trans, w);
    node.appendChild(warn);
  }
  const note = document.createElement('p');
  note.textContent = trans.__(
    'The cell runs in the kernel and its output stays in the notebook. Nothing restarts without asking.'
  );
  node.appendChild(note);
  return new Widget({ node });
}
