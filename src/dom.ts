/** A DOM element with a class and text; kernel-provided text stays text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** Append a label/value pair to a description list, as text. */
export function appendRow(
  list: HTMLElement,
  label: string,
  value: string
): void {
  list.append(el('dt', '', label), el('dd', '', value));
}
