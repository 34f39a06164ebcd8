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

export function renderStrip(list: HTMLElement, strip: Strip, predicted: ArrayLike<number> | undefined): void {
  list.replaceChildren();
  for (let i = 0; i < strip.count; i++) {
    const item = document.createElement('li');
    const canvas = document.createElement('canvas');
    paintImage(canvas, strip.pixels, strip.width, strip.height, i * strip.width * strip.height);
    const answer = predicted?.[i];
    const label = strip.labels[i]!;
    const wrong = answer !== undefined && answer !== label;
    item.className = wrong ? 'wrong' : '';
    item.setAttribute('aria-label', answer === undefined ? `test digit ${i}: a ${label}` : `test digit ${i}: a ${label}, predicted ${answer}${wrong ? ', wrong' : ''}`);
    const text = document.createElement('span');
    text.textContent = answer === undefined ? '·' : wrong ? `✗ ${answer}` : String(answer);
    item.append(canvas, text);
    list.append(item);
  }
}

export function renderConfusion(table: HTMLTableElement, confusion: number[][]): void {
  const classes = confusion.length;
  let largest = 1;
  for (const row of confusion) for (const n of row) largest = Math.max(largest, n);
  const head = document.createElement('tr');
  head.append(cell('th', 'true ╲ predicted'));
  for (let p = 0; p < classes; p++) head.append(cell('th', String(p), 'col'));
  const rows = confusion.map((row, t) => {
    const tr = document.createElement('tr');
    tr.append(cell('th', String(t), 'row'));
    row.forEach((n, p) => {
      const td = cell('td', n ? String(n) : '');
      // Square root shading: the diagonal dwarfs the mistakes otherwise.
      const strength = Math.sqrt(n / largest);
      td.style.background = t === p ? `rgba(46, 125, 50, ${strength})` : `rgba(198, 40, 40, ${Math.min(1, 3 * strength)})`;
      if (strength > 0.55) td.style.color = '#fff';
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(head, ...rows);
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
