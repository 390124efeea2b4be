// Looks up the page's elements by id, checked at run time: a missing or mistyped element is a
// clear error instead of a null dereference later.
export function element(id: string): HTMLElement;
export function element<T extends HTMLElement>(id: string, type: new () => T): T;
export function element(id: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page is missing #${id} (${type.name})`);
  return found;
}

/** Shows an element, with new text when given. */
export function show(id: string, text?: string): void {
  const target = element(id);
  if (text !== undefined) target.textContent = text;
  target.hidden = false;
}

export function hide(id: string): void {
  element(id).hidden = true;
}
