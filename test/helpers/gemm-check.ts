// Checking a GEMM against an independent float64 reference: C = alpha·op(A)·op(B) + beta·C
// for every transpose and a few alpha/beta, within the float32 error bound of a k-term sum.

import assert from 'node:assert/strict';
import { randomFill, type Backend } from './kernels-backends.js';

export const TRANSPOSES = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
];
export const SCALES = [
  { alpha: 1, beta: 0 },
  { alpha: 0.5, beta: 2 },
  { alpha: -1, beta: 1 },
];

/** op(A)·op(B) in float64, with Σ|a||b| per element for the error bound. */
export function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean) {
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

/** About 85% zeros, like an MNIST image; stored row 1 all zeros, stored row 2 all nonzero. */
export function sparseFill(a: Float32Array, rows: number, seed: number): void {
  randomFill(a, seed);
  const cols = a.length / rows;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]!) < 0.85 && Math.floor(i / cols) !== 2) a[i] = 0;
  if (rows > 1) a.fill(0, cols, 2 * cols);
}

export function checkGemm(backend: Backend, m: number, k: number, n: number, inPlace: boolean, seed: number, sparse = false): void {
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
