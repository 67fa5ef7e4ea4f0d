/**
 * Badges on the stock Launcher's kernel cards. The Launcher has no badge
 * API, so its rendered cards are decorated; re-running is harmless.
 */
import { badgeTitle, type IBadge } from './badge';

/** The class of a badge element. */
export const BADGE_CLASS = 'jp-TorchDoctor-badge';

/** What the decorator needs to know about a kernelspec. */
export interface ISpecInfo {
  name: string;
  displayName: string;
  language: string;
}

/**
 * The kernelspec name of a Launcher card, from its kernel icon URL
 * (…/kernelspecs/<name>/logo-64x64.png), or else from its label.
 */
export function cardKernel(
  card: HTMLElement,
  specs: ISpecInfo[]
): ISpecInfo | null {
  const img = card.querySelector<HTMLImageElement>(
    'img.jp-Launcher-kernelIcon'
  );
  const src = img?.getAttribute('src') ?? '';
  const m = /\/kernelspecs\/([^/]+)\//.exec(src);
  if (m) {
    const name = decodeURIComponent(m[1]);
    const spec = specs.find(s => s.name === name);
    if (spec) {
      return spec;
    }
  }
  const label =
    card.querySelector('.jp-LauncherCard-label')?.textContent?.trim() ?? '';
  return specs.find(s => s.displayName === label) ?? null;
}

/**
 * Add, update or remove the badges of every kernel card under `root`.
 * `badgeFor` returns null for cards that get no badge (not Python). Only
 * changed badges are touched, so a MutationObserver on `root` settles.
 * Returns the number of badges shown.
 */
export function decorate(
  root: HTMLElement,
  specs: ISpecInfo[],
  badgeFor: (spec: ISpecInfo) => IBadge | null
): number {
  let shown = 0;
  const cards = root.querySelectorAll<HTMLElement>('.jp-LauncherCard');
  cards.forEach(card => {
    const isKernel = !!card.querySelector(
      '.jp-Launcher-kernelIcon, .jp-LauncherCard-noKernelIcon'
    );
    const spec = isKernel ? cardKernel(card, specs) : null;
    const badge = spec ? badgeFor(spec) : null;
    const existing = card.querySelector<HTMLElement>(`.${BADGE_CLASS}`);
    if (!badge) {
      existing?.remove();
      return;
    }
    shown++;
    const node = existing ?? document.createElement('span');
    const title = badgeTitle(badge);
    if (node.textContent !== badge.text) {
      node.textContent = badge.text;
    }
    if (node.dataset.fit !== badge.fit) {
      node.dataset.fit = badge.fit;
    }
    if (node.title !== title) {
      node.title = title;
      node.setAttribute('aria-label', `torch: ${badge.text}. ${title}`);
    }
    if (!existing) {
      node.className = BADGE_CLASS;
      node.dataset.kernel = spec!.name;
      // In the icon area, so the card's label keeps its full width.
      (card.querySelector('.jp-LauncherCard-icon') ?? card).appendChild(node);
    }
  });
  return shown;
}

/** Remove every badge under `root`. */
export function undecorate(root: HTMLElement): void {
  root.querySelectorAll(`.${BADGE_CLASS}`).forEach(b => b.remove());
}
