// GEMM on every backend against an independent float64 reference: C = alpha·op(A)·op(B) + beta·C
// on edge shapes, sizes that are not multiples of the 4×8 tile, all four transpose
// combinations, alpha/beta; with the data in the backend's memory and outside it; and with
// a mostly-zero A, which the wasm backend multiplies by its nonzeros only.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timeGemm } from '../bench/gemm-timing.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { gemmJs } from '../src/tensor/kernels/js-gemm.js';
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
];
const TRANSPOSES = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
];
const SCALES = [
  { alpha: 1, beta: 0 },
  { alpha: 0.5, beta: 2 },
  { alpha: -1, beta: 1 },
];

/** op(A)·op(B) in float64, with Σ|a||b| per element for the error bound. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean) {
  const product = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const term = a[transA ? p * m + i : i * k + p]! * b[transB ? j * k + p : p * n + j]!;
        sum += term;
        abs += Math.abs(term);
      }
      product[i * n + j] = sum;
      magnitude[i * n + j] = abs;
    }
  }
  return { product, magnitude };
}

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

/** About 85% zeros, like an MNIST image; stored row 1 all zeros, stored row 2 all nonzero. */
function sparseFill(a: Float32Array, rows: number, seed: number): void {
  randomFill(a, seed);
  const cols = a.length / rows;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]!) < 0.85 && Math.floor(i / cols) !== 2) a[i] = 0;
  if (rows > 1) a.fill(0, cols, 2 * cols);
}

function checkGemm(backend: Backend, m: number, k: number, n: number, inPlace: boolean, seed: number, sparse = false): void {
  const make = (length: number): Float32Array => (inPlace ? backend.float32(length) : new Float32Array(length));
  const a = make(m * k);
  const b = make(k * n);
  randomFill(a, seed);
  randomFill(b, seed + 1);
  const c0 = new Float32Array(m * n);
  randomFill(c0, seed + 2);
  for (const { transA, transB } of TRANSPOSES) {
    // Stored A is m×k, or k×m when transposed: its all-zero and all-nonzero rows are stored rows.
    if (sparse) sparseFill(a, transA ? k : m, seed);
    const { product, magnitude } = reference(a, b, m, k, n, transA, transB);
    for (const { alpha, beta } of SCALES) {
      const c = make(m * n);
      c.set(c0);
      backend.kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha, beta });
      for (let i = 0; i < m * n; i++) {
        const expected = alpha * product[i]! + beta * c0[i]!;
        // float32 dot products: error ≤ (k + 2)·u·(|alpha|·Σ|a||b| + |beta·c|), u = 2⁻²⁴
        const bound = (k + 2) * 2 ** -24 * (Math.abs(alpha) * magnitude[i]! + Math.abs(beta * c0[i]!)) + 1e-30;
        const error = Math.abs(c[i]! - expected);
        if (!(error <= bound)) {
          assert.fail(`${backend.label} ${m}×${k}×${n} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}: C[${i}] = ${c[i]}, expected ${expected} (bound ${bound})`);
        }
      }
    }
  }
}

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
    // Aᵀ·B with A stored k×m: the rows the density is sampled from are zero, the others full,
    // so A looks sparse but holds ~200 000 nonzeros (the scratch holds ~65 000).
    const m = 100, k = 2000, n = 16;
    for (const backend of backends.slice(1)) {
      const a = backend.float32(k * m);
      randomFill(a, 31);
      for (let s = 0; s < 8; s++) a.fill(0, ((s * k) / 8) * m, ((s * k) / 8 + 1) * m);
      const b = backend.float32(k * n);
      randomFill(b, 32);
      const c = backend.float32(m * n);
      backend.kernels.gemm(a, b, c, m, n, k, { transA: true });
      const expected = new Float64Array(m * n);
      gemmJs(Float64Array.from(a), Float64Array.from(b), expected, m, n, k, { transA: true }, false);
      for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-3, `${backend.label}: C[${i}] = ${c[i]}, expected ${expected[i]}`);
      b.fill(NaN, 0, n); // row 0 of A is zero: only the dense product gives NaN
      backend.kernels.gemm(a, b, c, m, n, k, { transA: true });
      assert.ok(c.some(Number.isNaN), `${backend.label}: expected the dense fallback`);
    }
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
