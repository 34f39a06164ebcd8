// Shared by the gradient-check tests: backprop against central differences, in float64.

import assert from 'node:assert/strict';
import type { Labels } from '../../src/layers/softmax-with-loss.js';
import type { LayerNet } from '../../src/nets/layer-net.js';
import type { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

export interface GradcheckResult {
  name: string;
  maxAbsDiff: number;
  /** max |a − n| / (max |n| + tiny): the difference relative to the gradient's scale. */
  relative: number;
}

export interface GradcheckOptions {
  /** Mode of the numerical pass; backprop always runs in training mode. */
  training?: boolean;
  tol?: number;
  h?: number;
  /** Parameters whose gradient must be zero (e.g. a bias right before BatchNorm, which subtracts it again). */
  zero?: readonly string[];
}

/**
 * Backprop gradients (one training-mode pass) against numerical ones computed with the
 * same mode (`training`), for every parameter; asserts each relative difference < tol.
 */
export function assertGradientsMatch(net: LayerNet, x: Tensor, t: Labels, options: GradcheckOptions = {}): GradcheckResult[] {
  const { training = false, tol = 1e-6, h = 1e-5, zero = [] } = options;
  const backprop = Object.fromEntries(Object.entries(net.gradient(x, t)).map(([name, g]) => [name, g.clone()]));
  const numerical = net.numericalGradient(x, t, h, training);
  const results: GradcheckResult[] = [];
  for (const [name, n] of Object.entries(numerical)) {
    const a = backprop[name]!;
    let maxAbsDiff = 0;
    let scale = 0;
    for (let i = 0; i < n.size; i++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a.data[i]! - n.data[i]!));
      scale = Math.max(scale, Math.abs(n.data[i]!));
    }
    if (zero.includes(name)) {
      const largest = Math.max(scale, ...[...a.data].map(Math.abs));
      assert.ok(largest < 1e-8, `${name}: gradient should be zero, got up to ${largest}`);
      results.push({ name, maxAbsDiff, relative: 0 });
      continue;
    }
    assert.ok(scale > 1e-8, `${name}: numerical gradient is all zero, the check would prove nothing`);
    const relative = maxAbsDiff / scale;
    results.push({ name, maxAbsDiff, relative });
    assert.ok(relative < tol, `${name}: backprop and numerical gradients differ by ${maxAbsDiff} (relative ${relative})`);
  }
  return results;
}

export function randomTensor(shape: readonly number[], rng: Rng, std = 1): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  rng.fillNormal(t.data, std);
  return t;
}

export function randomLabels(rows: number, classes: number, rng: Rng): Uint8Array {
  return Uint8Array.from({ length: rows }, () => rng.int(classes));
}
