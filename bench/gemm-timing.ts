// How fast a backend multiplies: GFLOP/s of C = op(A)·op(B) at one shape, the best of
// several short rounds (a machine shared with other work gives its true speed in the
// rounds it is left alone). Used by the bench's GEMM table.

import type { Data } from '../src/tensor/tensor.js';
import { Rng } from '../src/tensor/rng.js';
import type { Kernels } from '../src/tensor/kernels/kernel-interface.js';

export interface GemmShape {
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

/**
 * Best GFLOP/s (2·m·n·k flops per product) over rounds filling about `seconds` in all. A
 * holds `aValues` (m·k of them, as stored) when given, e.g. real images, else random values.
 */
export function timeGemm(backend: Kernels, shape: GemmShape, seconds = 1, aValues?: ArrayLike<number>): number {
  const { m, k, n, transA = false, transB = false } = shape;
  const rng = new Rng(1);
  const a = filled(backend, m * k, rng);
  if (aValues) {
    if (aValues.length !== m * k) throw new Error(`timeGemm: ${aValues.length} values for a ${m * k}-value A`);
    a.set(aValues);
  }
  const b = filled(backend, k * n, rng);
  const c = filled(backend, m * n, rng);
  const flops = 2 * m * n * k;
  const options = { transA, transB };
  backend.gemm(a, b, c, m, n, k, options); // warm-up: lets the engine compile its fast tier
  const rounds = 10;
  const roundSeconds = seconds / rounds;
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed: number;
    do {
      backend.gemm(a, b, c, m, n, k, options);
      calls++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < roundSeconds);
    best = Math.min(best, elapsed / calls);
  }
  return flops / best / 1e9;
}

/** Uniform values in [−1, 1), in the backend's own memory when it has one (no copies timed). */
function filled(backend: Kernels, length: number, rng: Rng): Data {
  const own = (backend as { float32Array?: (length: number) => Float32Array }).float32Array;
  const data = own ? own(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = 2 * rng.uniform() - 1;
  return data;
}
