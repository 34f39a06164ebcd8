// The portable GEMM's path for a mostly-zero A (an MNIST image is 81% zero pixels): only
// A's nonzeros are multiplied, C += alpha · op(A) · B with B not transposed, summed in
// float64 like the dense path. The WebAssembly twin is assembly/gemm-sparse.ts.
//
// NOTE: a zero of A meets no value of B: where B holds ∞ or NaN the dense product gives
// NaN (0·∞) and this one does not.

import type { Data } from '../tensor.js';

/**
 * Take the sparse path at most at this fraction of nonzeros in A: on random data the wasm
 * kernels break even at about 0.40 (A·B) and 0.30 (Aᵀ·B); `npm run bench:sparse` measures it.
 */
export const SPARSE_MAX_DENSITY = 0.3;
const SAMPLE_ROWS = 8;
const MIN_COLUMNS = 16;
const MIN_DEPTH = 32;

let rowSums = new Float64Array(0);

/** Whether op(A)·B should skip A's zeros: B not transposed, large enough, and a sample of A's stored rows mostly zeros. */
export function sparseAPays(a: Data, m: number, n: number, k: number, transA: boolean, transB: boolean): boolean {
  if (transB || n < MIN_COLUMNS || k < MIN_DEPTH) return false;
  const rows = transA ? k : m;
  const width = transA ? m : k;
  const samples = Math.min(SAMPLE_ROWS, rows);
  let nonzeros = 0;
  for (let s = 0; s < samples; s++) {
    const start = Math.floor((s * rows) / samples) * width;
    for (let j = start; j < start + width; j++) if (a[j] !== 0) nonzeros++;
  }
  return nonzeros <= SPARSE_MAX_DENSITY * samples * width;
}

/** C += alpha · op(A) · B over A's nonzeros (C already scaled by beta). */
export function gemmSparseA(a: Data, b: Data, c: Data, m: number, n: number, k: number, transA: boolean, alpha: number): void {
  if (transA) {
    // A stored k×m: row p of A adds A[p, i] · B[p, :] to row i of the sum, for its nonzeros i.
    const sums = (rowSums = rowSums.length >= m * n ? rowSums : new Float64Array(m * n));
    sums.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const bRow = p * n;
      for (let i = 0; i < m; i++) {
        const value = a[p * m + i]!;
        if (value === 0) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) sums[row + j]! += value * b[bRow + j]!;
      }
    }
    for (let q = 0; q < m * n; q++) c[q]! += alpha * sums[q]!;
    return;
  }
  const sum = (rowSums = rowSums.length >= n ? rowSums : new Float64Array(n));
  for (let i = 0; i < m; i++) {
    sum.fill(0, 0, n);
    const aRow = i * k;
    for (let p = 0; p < k; p++) {
      const value = a[aRow + p]!;
      if (value === 0) continue;
      const bRow = p * n;
      for (let j = 0; j < n; j++) sum[j]! += value * b[bRow + j]!;
    }
    const cRow = i * n;
    for (let j = 0; j < n; j++) c[cRow + j]! += alpha * sum[j]!;
  }
}
