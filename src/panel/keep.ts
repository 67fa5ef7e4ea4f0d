/**
 * Re-rendering without losing the reader's place: keyboard focus, open
 * details and scroll positions survive a section being rebuilt. Elements
 * that matter carry `data-key`: the same logical control gets the same key
 * in every render.
 */

/** The key of a keyed element, or undefined. */
function keyOf(node: Element | null): string | undefined {
  return (node?.closest('[data-key]') as HTMLElement | null)?.dataset.key;
}

/** The element with a key under a root (no CSS.escape: keys are free text). */
export function findKey(root: HTMLElement, key: string): HTMLElement | null {
  for (const node of Array.from(
    root.querySelectorAll<HTMLElement>('[data-key]')
  )) {
    if (node.dataset.key === key) {
      return node;
    }
  }
  return null;
}

/**
 * What the reader sees of a panel beyond its content, kept across renders.
 */
export class ViewKeeper {
  /**
   * Keep the state of the keyed elements under root; scroll positions are
   * kept for root and its ancestors.
   */
  constructor(root: HTMLElement) {
    this._root = root;
  }

  /**
   * Run an update that may replace elements under the root, then put back
   * the open details, the focus and the scroll positions.
   *
   * When the focused control is gone for good (a step's button after the
   * step ended), focus goes to the persistent section it was in (an element
   * with `data-section` and tabindex -1), so keyboard users stay in the panel.
   *
   * @param update - Rebuilds some sections.
   */
  keep(update: () => void): void {
    const root = this._root;
    const active = document.activeElement as HTMLElement | null;
    const hadFocus = !!active && active !== root && root.contains(active);
    const focusKey = hadFocus ? keyOf(active) : undefined;
    const section = hadFocus
      ? active!.closest<HTMLElement>('[data-section]')
      : null;
    const scrolled: [HTMLElement, number][] = [];
    for (let n: HTMLElement | null = root; n; n = n.parentElement) {
      if (n.scrollTop) {
        scrolled.push([n, n.scrollTop]);
      }
    }
    for (const d of Array.from(
      root.querySelectorAll<HTMLDetailsElement>('details[data-key]')
    )) {
      this._open.set(d.dataset.key!, d.open);
    }

    update();

    for (const d of Array.from(
      root.querySelectorAll<HTMLDetailsElement>('details[data-key]')
    )) {
      const open = this._open.get(d.dataset.key!);
      if (open !== undefined && d.open !== open) {
        d.open = open;
      }
    }
    if (hadFocus && !(active!.isConnected && root.contains(active))) {
      const again = focusKey ? findKey(root, focusKey) : null;
      const target =
        again?.tagName === 'DETAILS'
          ? again.querySelector<HTMLElement>('summary')
          : again;
      (target ?? section)?.focus({ preventScroll: true });
    }
    for (const [node, top] of scrolled) {
      if (node.scrollTop !== top) {
        node.scrollTop = top;
      }
    }
  }

  private _root: HTMLElement;
  /** Open state by key, remembered also for findings that come and go. */
  private _open = new Map<string, boolean>();
}
