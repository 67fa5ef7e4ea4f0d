/**
 * The install's progress bar: which wheel downloads, its size, and a
 * determinate bar over the whole plan's download. The bar is a
 * role="progressbar" with aria-valuenow and is not a live region; the
 * panel's state line announces it, in steps of 10% (see
 * {@link progressAnnouncement}), so a screen reader is not flooded.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { el } from '../dom';
import type { IInstallProgress } from '../install/progress';

/** Ids for the labels, unique in the page. */
let labelSeq = 0;

/** "191.8 MB": bytes in decimal units, as pip prints them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) {
    return `${(bytes / 1e9).toFixed(2)} GB`;
  }
  if (bytes >= 1e6) {
    return `${(bytes / 1e6).toFixed(1)} MB`;
  }
  return `${Math.round(bytes / 1e3)} kB`;
}

/** The bar's value in percent, 0 to 100, or null when indeterminate. */
export function percentOf(p: IInstallProgress): number | null {
  return p.fraction === null ? null : Math.round(p.fraction * 100);
}

/**
 * The state line's text while the install runs: changes only at each 10%
 * of the download and at each phase, so that it is announced that often.
 */
export function progressAnnouncement(
  p: IInstallProgress,
  trans: TranslationBundle
): string {
  const pct = percentOf(p);
  switch (p.phase) {
    case 'downloading':
      return pct === null
        ? trans.__('Installing: downloading…')
        : trans.__('Installing: %1% downloaded…', Math.floor(pct / 10) * 10);
    case 'installing':
      return trans.__('Installing: downloaded, unpacking the wheels…');
    case 'done':
      return trans.__('Installing: done.');
    case 'failed':
      return trans.__('The install failed.');
    default:
      return trans.__('Installing: resolving the packages…');
  }
}

/**
 * The progress section of an install: the wheel line, the bar and the
 * bytes. `failed`: the bar ends as an error, with pip's or uv's line.
 */
export function renderProgress(
  p: IInstallProgress,
  trans: TranslationBundle,
  failed = false
): HTMLElement {
  const box = el('div', 'jp-TorchDoctor-progress');
  box.dataset.phase = failed ? 'failed' : p.phase;
  const tool = p.tool ?? '';
  const what =
    failed || p.phase === 'failed'
      ? trans.__('%1 failed', tool || trans.__('The install'))
      : p.phase === 'downloading' && p.packages
        ? trans.__(
            'Downloading and preparing packages: %1 of %2',
            p.packages.done,
            p.packages.total
          )
        : p.phase === 'downloading' && p.wheel
          ? p.wheelBytes
            ? trans.__(
                'Downloading %1 (%2)',
                p.wheel,
                formatBytes(p.wheelBytes)
              )
            : trans.__('Downloading %1', p.wheel)
          : p.phase === 'installing'
            ? trans.__('Unpacking and installing the wheels')
            : p.phase === 'done'
              ? trans.__('Installed')
              : trans.__('Resolving the packages');
  const label = el('div', 'jp-TorchDoctor-progressLabel', what);
  label.id = `jp-TorchDoctor-progressLabel-${++labelSeq}`;
  box.appendChild(label);

  const bar = el('div', 'jp-TorchDoctor-progressBar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-labelledby', label.id);
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  const pct = percentOf(p);
  if (pct !== null) {
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute(
      'aria-valuetext',
      p.packages
        ? trans.__(
            '%1% (%2 of %3 packages)',
            pct,
            p.packages.done,
            p.packages.total
          )
        : p.totalBytes
          ? trans.__(
              '%1% (%2 of about %3)',
              pct,
              formatBytes(Math.min(p.doneBytes, p.totalBytes)),
              formatBytes(p.totalBytes)
            )
          : trans.__('%1%', pct)
    );
  }
  if (failed || p.phase === 'failed') {
    bar.setAttribute('aria-invalid', 'true');
  }
  const fill = el('div', 'jp-TorchDoctor-progressFill');
  fill.style.width = `${pct ?? 0}%`;
  bar.appendChild(fill);
  box.appendChild(bar);

  if (p.packages && p.phase === 'downloading') {
    // uv in JupyterLab prints packages, not bytes: so does the bar.
    box.appendChild(
      el(
        'div',
        'jp-TorchDoctor-progressBytes',
        trans.__(
          '%1 of %2 packages (about %3 in all) · %4',
          p.packages.done,
          p.packages.total,
          p.totalBytes ? formatBytes(p.totalBytes) : '?',
          tool
        )
      )
    );
  } else if (p.totalBytes) {
    box.appendChild(
      el(
        'div',
        'jp-TorchDoctor-progressBytes',
        trans.__(
          '%1 of about %2 · %3',
          formatBytes(Math.min(p.doneBytes, p.totalBytes)),
          formatBytes(p.totalBytes),
          tool
        )
      )
    );
  }
  if (p.error) {
    // pip's or uv's own line: text, never HTML.
    box.appendChild(el('div', 'jp-TorchDoctor-progressError', p.error));
  }
  return box;
}
