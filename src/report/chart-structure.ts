// A chart's structure apart from its run's values. Two runs of the same job draw the same
// Vega-Lite spec but for its inline data values and its title's text; Vega-Lite and Vega's parser
// pass both through untouched, so what they make of one run's spec is the other's with those
// values swapped. Taken out, the values become slots, numbered in the order they are met:
//   data: { values: [...] }                  → data: { values: [{ "\u0000slot": k }] }
//   the top-level title's text and subtitle  → "\u0000slot:k"
// Compiled and parsed with the markers (compiled-charts.ts), the structure gives a dataflow that
// holds each marker once, either as it is or, where the parser wrote the text into generated
// code, as a string literal (slotPlaces finds where); fillSlots puts the values back there.

import type { TopLevelSpec } from 'vega-lite';

/** A spec's structure (its values replaced by slot markers), the key that names it, and the values. */
export interface SplitChart {
  structure: TopLevelSpec;
  key: string;
  slots: unknown[];
}

const DATA_SLOT = '\u0000slot';
const TEXT_SLOT = '\u0000slot:';
/** A text marker as generated code writes it: a JSON string literal, `"\u0000slot:k"`. */
const CODE_SLOT = JSON.stringify(TEXT_SLOT).slice(0, -1);

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'));
}

export function splitChart(spec: TopLevelSpec): SplitChart {
  const slots: unknown[] = [];
  const slot = (value: unknown): number => slots.push(value) - 1;
  const text = (value: unknown): unknown => (isText(value) ? `${TEXT_SLOT}${slot(value)}` : value);
  const title = (value: unknown): unknown => {
    if (!isRecord(value)) return text(value);
    const out = { ...value };
    if ('text' in out) out.text = text(out.text);
    if ('subtitle' in out) out.subtitle = text(out.subtitle);
    return out;
  };
  const walk = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, false));
    if (!isRecord(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'data' && isRecord(value) && Array.isArray(value.values)) out[key] = { ...value, values: [{ [DATA_SLOT]: slot(value.values) }] };
      else if (key === 'title' && top) out[key] = title(value);
      else out[key] = walk(value, false);
    }
    return out;
  };
  const structure = walk(spec, true) as TopLevelSpec;
  return { structure, key: JSON.stringify(structure), slots };
}

/** Where a slot's marker sits in the compiled structure: the keys down to it, and whether as code. */
export interface SlotPlace {
  slot: number;
  path: (string | number)[];
  asCode: boolean;
}

type Found = { slot: number; asCode: boolean } | undefined;

function findSlot(value: unknown): Found {
  if (typeof value === 'string') {
    if (value.startsWith(TEXT_SLOT)) return { slot: Number(value.slice(TEXT_SLOT.length)), asCode: false };
    if (value.startsWith(CODE_SLOT) && value.endsWith('"')) return { slot: Number(value.slice(CODE_SLOT.length, -1)), asCode: true };
  } else if (Array.isArray(value) && value.length === 1 && isRecord(value[0]) && typeof value[0][DATA_SLOT] === 'number') {
    return { slot: value[0][DATA_SLOT], asCode: false };
  }
  return undefined;
}

/**
 * The places of the `slotCount` markers in `compiled` (a JSON text), in slot order; undefined
 * unless each marker is there exactly once as a whole value: not lost, not copied, not pasted
 * into a longer string.
 */
export function slotPlaces(compiled: string, slotCount: number): SlotPlace[] | undefined {
  const places: SlotPlace[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    const found = findSlot(value);
    if (found) places.push({ ...found, path });
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isRecord(value)) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(JSON.parse(compiled), []);
  places.sort((a, b) => a.slot - b.slot);
  const everywhere = compiled.split(JSON.stringify(DATA_SLOT).slice(1, -1)).length - 1;
  const once = places.length === slotCount && places.every((place, i) => place.slot === i);
  return once && everywhere === slotCount ? places : undefined;
}

/**
 * The compiled structure (a JSON text) with each slot's marker, at its place, replaced by its
 * value, or where the marker was a string literal in code, by `literal(value)`. Throws when a
 * place does not hold its marker.
 */
export function fillSlots(compiled: string, places: readonly SlotPlace[], slots: readonly unknown[], literal: (value: unknown) => string): unknown {
  const root: unknown = JSON.parse(compiled);
  for (const { slot, path, asCode } of places) {
    let parent = root as Json;
    for (const key of path.slice(0, -1)) parent = parent?.[key] as Json;
    const last = path.at(-1)!;
    const found = findSlot(parent?.[last]);
    if (found?.slot !== slot || found.asCode !== asCode || !(slot < slots.length)) throw new RangeError(`compiled chart: no marker of slot ${slot} at ${path.join('.')}`);
    parent[last] = asCode ? literal(slots[slot]) : slots[slot];
  }
  return root;
}
