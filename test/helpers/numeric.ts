// Test helpers: numerical gradients of a scalar function of a tensor, and closeness checks.

import assert from 'node:assert/strict';
import type { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** ∂f/∂x by central differences, x perturbed in place and restored. */
export function numericGradient(f: () => number, x: Tensor, h = 1e-5): Tensor {
  const grad = Tensor.zeros(x.shape, 'float64');
  for (let i = 0; i < x.size; i++) {
    const saved = x.data[i]!;
    x.data[i] = saved + h;
    const plus = f();
    x.data[i] = saved - h;
    const minus = f();
    x.data[i] = saved;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

export function randomTensor(shape: number[], rng: Rng, scale = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const t = Tensor.zeros(shape, dtype);
  rng.fillNormal(t.data, scale);
  return t;
}

/** Largest |a − b| / max(1, |b|) must not exceed tolerance. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(diff <= worst)) {
      worst = diff;
      at = i;
    }
  }
  assert.ok(worst <= tolerance, `${what}: differ by ${worst} at index ${at} (${actual[at]} vs ${expected[at]}), tolerance ${tolerance}`);
}

/** Σ dout · y: a scalar whose gradient with respect to y is dout. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
