// GEMM with a mostly-zero A (a batch of images), which the wasm backend multiplies by its
// nonzeros only: against a float64 reference on shapes covering every walk of the sparse
// kernels, the same bits however a product is split over threads, and the fallbacks.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gemmJs } from '../src/tensor/kernels/js-gemm.js';
import { checkGemm, SCALES, sparseFill, TRANSPOSES } from './helpers/gemm-check.js';
import { backendsUnderTest, randomFill, type Backend } from './helpers/kernels-backends.js';

/**
 * Shapes for a mostly-zero A: n covers the sparse kernel's walks of the list (1 to 7 sums
 * each, 2 walks from 29 columns on) and every partial last vector (1–3 columns); n below
 * 16 takes the dense path.
 */
const SPARSE_SHAPES: [m: number, k: number, n: number][] = [
  [100, 784, 50],
  [37, 64, 16],
  [5, 33, 19],
  [9, 100, 35],
  [64, 40, 53],
  [3, 300, 100],
  [130, 32, 17],
  [12, 50, 70],
  [6, 40, 1],
  [6, 40, 2],
  [6, 40, 3],
  [7, 45, 18],
  [8, 60, 28],
  [9, 36, 29],
  [10, 70, 49],
  [11, 48, 52],
  [12, 40, 56],
  [13, 40, 57],
  [14, 50, 64],
];

describe('sparse gemm on every backend', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('matches float64 with a mostly-zero A (the sparse path), every transpose, alpha and beta', () => {
    for (const backend of backends) for (const [m, k, n] of SPARSE_SHAPES) checkGemm(backend, m, k, n, true, m + 3 * k + n, true);
  });

  it('takes the sparse path for a mostly-zero A, and only while sparseInputs is on (float32 and float64)', () => {
    // NOTE: the sparse path skips the zeros of A, so a NaN in a row of B that meets only
    // zeros of A leaves C finite; the dense product gives NaN (0·NaN). That tells the paths apart.
    const m = 20, k = 64, n = 24;
    for (const backend of backends) {
      const { kernels } = backend;
      for (const [transA, float64] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const a32 = backend.float32(m * k);
        sparseFill(a32, transA ? k : m, 5);
        for (let i = 0; i < m; i++) a32[transA ? 7 * m + i : i * k + 7] = 0; // op(A)[:, 7] = 0
        const b32 = backend.float32(k * n);
        randomFill(b32, 6);
        b32.fill(NaN, 7 * n, 8 * n);
        const [a, b, c] = float64 ? [Float64Array.from(a32), Float64Array.from(b32), new Float64Array(m * n)] : [a32, b32, backend.float32(m * n)];
        for (const sparseInputs of [true, false]) {
          kernels.sparseInputs = sparseInputs;
          kernels.gemm(a, b, c, m, n, k, { transA });
          assert.equal(c.some(Number.isNaN), !sparseInputs, `${backend.label} transA=${transA} float64=${float64} sparseInputs=${sparseInputs}`);
        }
        kernels.sparseInputs = true;
      }
    }
  });

  it('sparse path: beta = 0 overwrites a C full of NaN', () => {
    const m = 30, k = 100, n = 21;
    for (const backend of backends) {
      for (const transA of [false, true]) {
        const a = backend.float32(m * k);
        sparseFill(a, transA ? k : m, 9);
        const b = backend.float32(k * n);
        randomFill(b, 10);
        const c = backend.float32(m * n).fill(NaN);
        backend.kernels.gemm(a, b, c, m, n, k, { transA, beta: 0 });
        const expected = new Float64Array(m * n);
        gemmJs(Float64Array.from(a), Float64Array.from(b), expected, m, n, k, { transA }, false);
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-4, `${backend.label} transA=${transA}: C[${i}] = ${c[i]}, expected ${expected[i]}`);
      }
    }
  });

  it('a product gives the same bits split over threads as on one (one sparse-or-dense choice per product)', () => {
    // Rows of A at 60% and at 10% nonzeros: blocks choosing for themselves would disagree.
    // C taller than wide is cut into row blocks, C wider than tall into column blocks.
    const shapes: [m: number, k: number, n: number][] = [[100, 784, 50], [16, 300, 53], [12, 200, 49], [90, 100, 64]];
    const pairs = [[backends[1]!, backends[3]!], [backends[2]!, backends[4]!]] as const;
    for (const [one, split] of pairs) {
      for (const [m, k, n] of shapes) {
        for (const { transA } of TRANSPOSES.slice(0, 2)) {
          const a = one.float32(m * k);
          randomFill(a, 21);
          for (let i = 0; i < m * k; i++) {
            const storedRow = Math.floor(i / (transA ? m : k));
            const denser = transA ? storedRow % 100 < 52 : storedRow < 0.52 * m;
            if (Math.abs(a[i]!) > (denser ? 0.6 : 0.1)) a[i] = 0;
          }
          const b = one.float32(k * n);
          randomFill(b, 22);
          const c0 = one.float32(m * n);
          randomFill(c0, 23);
          const [a2, b2] = [split.float32(m * k), split.float32(k * n)];
          a2.set(a);
          b2.set(b);
          for (const { alpha, beta } of SCALES) {
            const [c1, c2] = [one.float32(m * n), split.float32(m * n)];
            c1.set(c0);
            c2.set(c0);
            one.kernels.gemm(a, b, c1, m, n, k, { transA, alpha, beta });
            split.kernels.gemm(a2, b2, c2, m, n, k, { transA, alpha, beta });
            assert.deepEqual(c2, c1, `${one.label} vs ${split.label}, ${m}×${k}×${n} transA=${transA} alpha=${alpha} beta=${beta}`);
          }
        }
      }
    }
  });

  it('wasm falls back to the dense product when its scratch cannot hold the nonzeros of Aᵀ', () => {
    // alpha·Aᵀ·B with A stored k×m: the rows the density is sampled from are zero, the others
    // full, so A looks sparse but holds ~200 000 nonzeros (the scratch holds ~65 000 sorted).
    // (alpha = 1, beta = 0 scatters row by row of A instead: no such limit; see below.)
    const m = 100, k = 2000, n = 16;
    for (const backend of backends.slice(1)) {
      const a = backend.float32(k * m);
      randomFill(a, 31);
      for (let s = 0; s < 8; s++) a.fill(0, ((s * k) / 8) * m, ((s * k) / 8 + 1) * m);
      const b = backend.float32(k * n);
      randomFill(b, 32);
      const c = backend.float32(m * n);
      backend.kernels.gemm(a, b, c, m, n, k, { transA: true, alpha: 0.5 });
      const expected = new Float64Array(m * n);
      gemmJs(Float64Array.from(a), Float64Array.from(b), expected, m, n, k, { transA: true, alpha: 0.5 }, false);
      for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-3, `${backend.label}: C[${i}] = ${c[i]}, expected ${expected[i]}`);
      b.fill(NaN, 0, n); // row 0 of A is zero: only the dense product gives NaN
      backend.kernels.gemm(a, b, c, m, n, k, { transA: true, alpha: 0.5 });
      assert.ok(c.some(Number.isNaN), `${backend.label}: expected the dense fallback`);
    }
  });

  it('wasm: Aᵀ·B scattered (alpha 1, beta 0) gives the bits of the sorted lists (beta 1 on a zero C)', () => {
    for (const [m, k, n] of [[784, 100, 50], [40, 30, 53], [33, 64, 19]] as const) {
      for (const backend of backends.slice(1)) {
        const a = backend.float32(k * m);
        sparseFill(a, k, m + n);
        const b = backend.float32(k * n);
        randomFill(b, n);
        const [scattered, sorted] = [backend.float32(m * n), backend.float32(m * n)];
        backend.kernels.gemm(a, b, scattered, m, n, k, { transA: true });
        backend.kernels.gemm(a, b, sorted, m, n, k, { transA: true, beta: 1 });
        assert.deepEqual(scattered, sorted, `${backend.label} ${m}×${k}×${n}`);
      }
    }
  });

  it('wasm on one thread scatters Aᵀ·B row by row (alpha 1, beta 0) however many nonzeros A holds', () => {
    // The A of the test above: ~200 000 nonzeros, more than sorted lists would fit.
    const m = 100, k = 2000, n = 19;
    for (const backend of backends.slice(1, 3)) {
      const a = backend.float32(k * m);
      randomFill(a, 31);
      for (let s = 0; s < 8; s++) a.fill(0, ((s * k) / 8) * m, ((s * k) / 8 + 1) * m);
      const b = backend.float32(k * n);
      randomFill(b, 32);
      b.fill(NaN, 0, n); // row 0 of A is zero: the sparse path never meets this row of B
      const c = backend.float32(m * n);
      c.fill(NaN);
      backend.kernels.gemm(a, b, c, m, n, k, { transA: true });
      b.fill(0, 0, n);
      const expected = new Float64Array(m * n);
      gemmJs(Float64Array.from(a), Float64Array.from(b), expected, m, n, k, { transA: true }, false);
      for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-3, `${backend.label}: C[${i}] = ${c[i]}, expected ${expected[i]}`);
    }
  });
});
