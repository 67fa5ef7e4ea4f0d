/**
 * Badges on the stock Launcher's kernel cards. The Launcher has no badge
 * API, so its rendered cards are decorated; re-running is harmless.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { badgeTitle, type IBadge } from './badge';

/** The class of a badge element. */
export const BADGE_CLASS = 'jp-TorchDoctor-badge';

/** What the decorator needs to know about a kernelspec. */
export interface ISpecInfo {
  name: string;
  displayName: string;
  language: string;
}

/** The parts of a Launcher card this decorator reads and writes. */
interface ICardParts {
  /** The icon area, where the badge goes. */
  icon: Element | null;
  /** The kernel icon (an img) or the letter that stands for it. */
  kernelIcon: Element | null;
  label: Element | null;
  badge: HTMLElement | null;
}

/** Whether an element has a class: cheaper than classList in a loop. */
function has(el: Element, cls: string): boolean {
  return ` ${el.getAttribute('class') ?? ''} `.includes(` ${cls} `);
}

/**
 * Walk a card's children once: class searches on every card of every
 * render cost more than the rest of the decoration.
 */
function cardParts(card: Element): ICardParts {
  const parts: ICardParts = {
    icon: null,
    kernelIcon: null,
    label: null,
    badge: null
  };
  for (let c = card.firstElementChild; c; c = c.nextElementSibling) {
    if (has(c, 'jp-LauncherCard-icon')) {
      parts.icon = c;
      for (let i = c.firstElementChild; i; i = i.nextElementSibling) {
        if (has(i, BADGE_CLASS)) {
          parts.badge = i as HTMLElement;
        } else if (
          has(i, 'jp-Launcher-kernelIcon') ||
          has(i, 'jp-LauncherCard-noKernelIcon')
        ) {
          parts.kernelIcon = i;
        }
      }
    } else if (has(c, 'jp-LauncherCard-label')) {
      parts.label = c;
    } else if (has(c, BADGE_CLASS)) {
      parts.badge = c as HTMLElement;
    }
  }
  return parts;
}

function specOf(parts: ICardParts, specs: ISpecInfo[]): ISpecInfo | null {
  const src = parts.kernelIcon?.getAttribute('src') ?? '';
  const m = /\/kernelspecs\/([^/]+)\//.exec(src);
  if (m) {
    const name = decodeURIComponent(m[1]);
    const spec = specs.find(s => s.name === name);
    if (spec) {
      return spec;
    }
  }
  const label = parts.label?.textContent?.trim() ?? '';
  return specs.find(s => s.displayName === label) ?? null;
}

/**
 * The kernelspec of a Launcher card, from its kernel icon URL
 * (…/kernelspecs/<name>/logo-64x64.png), or else from its label; null for
 * cards that are not kernel cards.
 */
export function cardKernel(
  card: HTMLElement,
  specs: ISpecInfo[]
): ISpecInfo | null {
  const parts = cardParts(card);
  return parts.kernelIcon ? specOf(parts, specs) : null;
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
  badgeFor: (spec: ISpecInfo) => IBadge | null,
  trans?: TranslationBundle
): number {
  let shown = 0;
  // Dates format slowly; each badge's title is made once per call.
  const titles = new Map<IBadge, string>();
  // A snapshot: a live collection is walked again after every badge added.
  const cards = Array.from(root.getElementsByClassName('jp-LauncherCard'));
  for (const card of cards) {
    const parts = cardParts(card);
    const spec = parts.kernelIcon ? specOf(parts, specs) : null;
    const badge = spec ? badgeFor(spec) : null;
    const existing = parts.badge;
    if (!badge) {
      existing?.remove();
      continue;
    }
    shown++;
    let title = titles.get(badge);
    if (title === undefined) {
      title = badgeTitle(badge, trans);
      titles.set(badge, title);
    }
    if (!existing) {
      // Fewest DOM writes for a new badge: they are most of the cost.
      const node = document.createElement('span');
      node.className = BADGE_CLASS;
      node.setAttribute('data-kernel', spec!.name);
      node.setAttribute('data-fit', badge.fit);
      node.title = title;
      node.textContent = badge.text;
      // In the icon area, so the card's label keeps its full width.
      (parts.icon ?? card).appendChild(node);
      continue;
    }
    if (existing.textContent !== badge.text) {
      existing.textContent = badge.text;
    }
    if (existing.getAttribute('data-fit') !== badge.fit) {
      existing.setAttribute('data-fit', badge.fit);
    }
    if (existing.title !== title) {
      existing.title = title;
    }
  }
  return shown;
}

/** Remove every badge under `root`. */
export function undecorate(root: HTMLElement): void {
  root.querySelectorAll(`.${BADGE_CLASS}`).forEach(b => b.remove());
}
