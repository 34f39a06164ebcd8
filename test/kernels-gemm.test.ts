// GEMM on every backend against an independent float64 reference: C = alpha·op(A)·op(B) + beta·C
// on edge shapes, sizes that are not multiples of the 4×8 and 6×8 tiles, all four transpose
// combinations, alpha/beta; with the data in the backend's memory and outside it. (A
// mostly-zero A, which the wasm backend multiplies by its nonzeros only: kernels-gemm-sparse.)

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timeGemm } from '../bench/gemm-timing.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { gemmJs } from '../src/tensor/kernels/js-gemm.js';
import { checkGemm } from './helpers/gemm-check.js';
import { backendsUnderTest, randomFill, type Backend } from './helpers/kernels-backends.js';

const SHAPES: [m: number, k: number, n: number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [100, 784, 50],
  [33, 65, 17],
  [5, 300, 3],
  [9, 2, 41],
  [130, 10, 12],
  [4, 1100, 8],
  [6, 20, 300],
  // Rows in tiles of 6 and 4 (13 = 6 + 4 + 3, 8 = 4 + 4, 11 = 6 + 5), k at the 6-row threshold
  // and below it; the cnn's second convolution (32 = 4·6 + 2·4 rows; 144 = 24·6).
  [13, 40, 12],
  [8, 16, 8],
  [11, 17, 20],
  [12, 15, 9],
  [32, 144, 196],
  [144, 32, 196],
];
describe('gemm on every backend', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('matches float64 on edge and odd shapes, every transpose, alpha and beta (data in the backend memory)', () => {
    for (const backend of backends) for (const [m, k, n] of SHAPES) checkGemm(backend, m, k, n, true, m + k + n);
  });

  it('matches float64 when the data lives outside the backend memory (copied in and out)', () => {
    for (const backend of backends) for (const [m, k, n] of SHAPES.slice(0, 4)) checkGemm(backend, m, k, n, false, 7 * m + k);
  });

  it('beta = 0 overwrites C, NaN included; k = 0 gives beta·C', () => {
    for (const backend of backends) {
      const a = backend.float32(6);
      const b = backend.float32(6);
      a.fill(1);
      b.fill(2);
      const c = backend.float32(4);
      c.fill(NaN);
      backend.kernels.gemm(a, b, c, 2, 2, 3, { beta: 0 });
      assert.deepEqual([...c], [6, 6, 6, 6], backend.label);
      c.fill(3);
      backend.kernels.gemm(a, b, c, 2, 2, 0, { beta: 0.5 });
      assert.deepEqual([...c], [1.5, 1.5, 1.5, 1.5], backend.label);
    }
  });

  it('agrees with the portable kernel on the large evaluation shape (split over threads)', () => {
    const m = 2000, k = 784, n = 50;
    for (const backend of backends.slice(1)) {
      const a = backend.float32(m * k);
      const b = backend.float32(k * n);
      randomFill(a, 11);
      randomFill(b, 12);
      const c = backend.float32(m * n);
      backend.kernels.gemm(a, b, c, m, n, k);
      const expected = new Float64Array(m * n);
      gemmJs(Float64Array.from(a), Float64Array.from(b), expected, m, n, k);
      let worst = 0;
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[i]! - expected[i]!));
      assert.ok(worst < 1e-4, `${backend.label}: largest difference ${worst}`);
    }
  });

  it('hands float64 to the portable kernel: the same bits', () => {
    for (const backend of backends) {
      const a = new Float64Array(7 * 13);
      const b = new Float64Array(13 * 5);
      randomFill(a, 3);
      randomFill(b, 4);
      const c = new Float64Array(35);
      const expected = new Float64Array(35);
      backend.kernels.gemm(a, b, c, 7, 5, 13, { transB: false });
      gemmJs(a, b, expected, 7, 5, 13);
      assert.deepEqual(c, expected, backend.label);
    }
  });

  it('rejects arrays shorter than the shape says (wasm would read foreign memory)', () => {
    for (const backend of backends.slice(1)) {
      assert.throws(() => backend.kernels.gemm(backend.float32(5), backend.float32(6), backend.float32(4), 2, 2, 3), /gemm: A holds 5 values, needs 6/);
    }
  });
});

describe('timeGemm', () => {
  it('times a product with A given (e.g. real images) and refuses an A of the wrong size', () => {
    const kernels = createJsKernels();
    assert.ok(timeGemm(kernels, { m: 2, k: 3, n: 2 }, 0.01, [1, 0, 0, 0, 2, 0]) > 0);
    assert.throws(() => timeGemm(kernels, { m: 2, k: 3, n: 2 }, 0.01, [1, 2, 3, 4, 5]), /timeGemm: 5 values for a 6-value A/);
  });
});
