/**
 * Launcher card DOM as @jupyterlab/launcher 4.6 renders it (widget.js,
 * Card()), for the badge specs and the benchmark.
 */
import type { ISpecInfo } from '../decorator';

/** One kernel card, with or without a kernel icon. */
export function kernelCard(
  spec: ISpecInfo,
  category: 'Notebook' | 'Console',
  withIcon = true
): string {
  const icon = withIcon
    ? `<img src="/lab/api/kernelspecs/${encodeURIComponent(spec.name)}/logo-64x64.png" class="jp-Launcher-kernelIcon" alt="${spec.displayName}">`
    : `<div class="jp-LauncherCard-noKernelIcon">${spec.displayName[0]}</div>`;
  return (
    `<div class="jp-LauncherCard" title="${spec.displayName}" role="button" tabindex="0" data-category="${category}">` +
    `<div class="jp-LauncherCard-icon">${icon}</div>` +
    `<div class="jp-LauncherCard-label" title="${spec.displayName}"><p>${spec.displayName}</p></div></div>`
  );
}

/** A whole Launcher body: Notebook and Console sections plus an "Other" card. */
export function launcherHtml(specs: ISpecInfo[], withIcons = true): string {
  const section = (cat: 'Notebook' | 'Console') =>
    `<div class="jp-Launcher-section"><div class="jp-Launcher-sectionHeader"><h2 class="jp-Launcher-sectionTitle">${cat}</h2></div>` +
    `<div class="jp-Launcher-cardContainer">${specs.map(s => kernelCard(s, cat, withIcons)).join('')}</div></div>`;
  return (
    '<div class="jp-Launcher-body"><div class="jp-Launcher-content">' +
    section('Notebook') +
    section('Console') +
    '<div class="jp-Launcher-section"><div class="jp-Launcher-cardContainer">' +
    '<div class="jp-LauncherCard" title="Terminal" data-category="Other"><div class="jp-LauncherCard-icon"><svg></svg></div>' +
    '<div class="jp-LauncherCard-label"><p>Terminal</p></div></div></div></div></div></div>'
  );
}

/** n kernelspecs, every third of them not Python. */
export function manySpecs(n: number): ISpecInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `env-${i}`,
    displayName: `Python (env ${i})`,
    language: i % 3 === 2 ? 'R' : 'python'
  }));
}
