// The evaluation panels built from DOM elements: the test strip (digits with the net's
// answers, wrong ones marked), the confusion matrix (a table, shaded by count) and the
// probability bars of the drawing.

import { paintImage } from './pictures.js';

export interface Strip {
  pixels: Float32Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** Paints the strip's digits (once per dataset); `updateStrip` then writes the answers. */
export function renderStrip(list: HTMLElement, strip: Strip): void {
  list.replaceChildren();
  for (let i = 0; i < strip.count; i++) {
    const item = document.createElement('li');
    const canvas = document.createElement('canvas');
    paintImage(canvas, strip.pixels, strip.width, strip.height, i * strip.width * strip.height);
    item.append(canvas, document.createElement('span'));
    list.append(item);
  }
  updateStrip(list, strip, undefined);
}

export function updateStrip(list: HTMLElement, strip: Strip, predicted: ArrayLike<number> | undefined): void {
  const items = list.children;
  for (let i = 0; i < Math.min(strip.count, items.length); i++) {
    const item = items[i] as HTMLElement;
    const answer = predicted?.[i];
    const label = strip.labels[i]!;
    const wrong = answer !== undefined && answer !== label;
    item.className = wrong ? 'wrong' : '';
    item.setAttribute('aria-label', answer === undefined ? `test digit ${i}: a ${label}` : `test digit ${i}: a ${label}, predicted ${answer}${wrong ? ', wrong' : ''}`);
    item.lastElementChild!.textContent = answer === undefined ? '·' : wrong ? `✗ ${answer}` : String(answer);
  }
}

/** Fills the table (rebuilt only when the class count changes), shading cells by count. */
export function renderConfusion(table: HTMLTableElement, confusion: number[][]): void {
  const classes = confusion.length;
  if (table.rows.length !== classes + 1) {
    const head = document.createElement('tr');
    head.append(cell('th', 'true ╲ predicted'));
    for (let p = 0; p < classes; p++) head.append(cell('th', String(p), 'col'));
    const rows = confusion.map((row, t) => {
      const tr = document.createElement('tr');
      tr.append(cell('th', String(t), 'row'), ...row.map(() => cell('td', '')));
      return tr;
    });
    table.replaceChildren(head, ...rows);
  }
  let largest = 1;
  for (const row of confusion) for (const n of row) largest = Math.max(largest, n);
  confusion.forEach((row, t) => {
    const cells = table.rows[t + 1]!.cells;
    row.forEach((n, p) => {
      const td = cells[p + 1]!;
      td.textContent = n ? String(n) : '';
      // Square root shading: the diagonal dwarfs the mistakes otherwise.
      const strength = Math.sqrt(n / largest);
      td.style.background = t === p ? `rgba(46, 125, 50, ${strength})` : `rgba(198, 40, 40, ${Math.min(1, 3 * strength)})`;
      td.style.color = strength > 0.55 ? '#fff' : '';
    });
  });
}

function cell(tag: 'th' | 'td', text: string, scope?: 'row' | 'col'): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (scope) element.scope = scope;
  return element;
}

/** One bar per class; the most probable highlighted. null: empty bars. */
export function renderProbabilities(list: HTMLElement, values: readonly number[] | null, classes: number): void {
  const top = values ? values.indexOf(Math.max(...values)) : -1;
  const items = Array.from({ length: values?.length ?? classes }, (_, c) => {
    const p = values?.[c];
    const item = document.createElement('li');
    item.className = c === top ? 'top' : '';
    item.setAttribute('aria-label', p === undefined ? `class ${c}` : `class ${c}: ${(100 * p).toFixed(1)}%`);
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${100 * (p ?? 0)}%`;
    bar.append(fill);
    const name = document.createElement('b');
    name.textContent = String(c);
    const value = document.createElement('span');
    value.textContent = p === undefined ? '' : `${(100 * p).toFixed(1)}%`;
    item.append(name, bar, value);
    return item;
  });
  list.replaceChildren(...items);
}
