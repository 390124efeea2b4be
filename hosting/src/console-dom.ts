// Small DOM builders for the console's tables and lists: text always goes in as text.

/** A table row of text cells. */
export function row(cells: readonly (string | Node)[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (typeof cell === "string") td.textContent = cell;
    else td.appendChild(cell);
    tr.appendChild(td);
  }
  return tr;
}

/** An element with text. */
export function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className?: string) {
  const made = document.createElement(tag);
  made.textContent = content;
  if (className) made.className = className;
  return made;
}

/** dt/dd pairs into a <dl>. */
export function fillFields(list: HTMLElement, fields: readonly [string, string][]): void {
  list.replaceChildren(...fields.flatMap(([name, value]) => [text("dt", name), text("dd", value)]));
}

/** A Firestore timestamp (or anything else) as milliseconds, when it is one. */
export function millis(value: unknown): number | null {
  if (value && typeof value === "object" && "toMillis" in value && typeof value.toMillis === "function") {
    return (value as { toMillis: () => number }).toMillis();
  }
  return null;
}
