// Row-wise helpers over an N×C array of scores, row-major: a stable softmax and argmax.

import type { Data } from './tensor.js';

/**
 * p_j = exp(x_j − m) / Σ_k exp(x_k − m), m = max_k x_k, for the `cols` values at `offset`;
 * returns log Σ_k exp(x_k) = m + log Σ_k exp(x_k − m), so −log p_j = that − x_j exactly,
 * even where p_j underflows to 0.
 */
export function softmaxRow(x: Data, p: Data, offset: number, cols: number): number {
  let max = -Infinity;
  for (let j = offset; j < offset + cols; j++) max = Math.max(max, x[j]!);
  let sum = 0;
  for (let j = offset; j < offset + cols; j++) sum += p[j] = Math.exp(x[j]! - max);
  for (let j = offset; j < offset + cols; j++) p[j]! /= sum;
  return max + Math.log(sum);
}

/** The index (0 … cols − 1) of the largest of the `cols` values at `offset`; the first one on ties. */
export function argmaxRow(x: Data, offset: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if (x[offset + j]! > x[offset + best]!) best = j;
  return best;
}
