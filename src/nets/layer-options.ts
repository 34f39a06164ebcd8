// Reading a layer spec's options, and the initial weight scale they ask for.

import type { Init, LayerSpec } from './layer-type.js';

export function initStd(init: Init, fanIn: number): number {
  if (typeof init === 'number') return init;
  return init === 'he' ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn);
}

/** Reads an integer option ≥ min of a layer spec. */
export function intOption(spec: LayerSpec, name: string, fallback?: number, min = 1): number {
  const value = spec[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 1 << 24) {
    throw new Error(`"${name}" must be an integer ≥ ${min}, got ${JSON.stringify(spec[name])}`);
  }
  return value;
}

/** Reads a number option in [min, max) of a layer spec. */
export function numberOption(spec: LayerSpec, name: string, fallback: number, min: number, max: number): number {
  const value = spec[name] ?? fallback;
  if (typeof value !== 'number' || !(value >= min && value < max)) {
    throw new Error(`"${name}" must be a number in [${min}, ${max}), got ${JSON.stringify(spec[name])}`);
  }
  return value;
}

/** The C×H×W shape a conv or pooling layer needs. */
export function imageShape(inputShape: readonly number[], type: string): [number, number, number] {
  if (inputShape.length !== 3) throw new Error(`${type} needs a C×H×W input, got [${inputShape.join(', ')}]`);
  return inputShape as [number, number, number];
}
