// The portable GEMM, plain TypeScript, float32 or float64: op(A) packed into 4-row panels
// and op(B) into 4-column panels, so the inner loop reads two short contiguous runs and keeps
// a 4×4 block of C in 16 local variables; a mostly-zero A takes the sparse path (js-sparse.ts).

import type { Data } from '../tensor.js';
import { gemmSparseA, sparseAPays } from './js-sparse.js';
import type { GemmOptions } from './kernel-interface.js';

const TILE = 4;

let packedA: Float64Array = new Float64Array(0);
let packedB: Float64Array = new Float64Array(0);

function scratch(current: Float64Array, length: number): Float64Array {
  return current.length >= length ? current : new Float64Array(length);
}

/** `sparse`: skip the zeros of a mostly-zero A (js-sparse.ts). */
export function gemmJs(a: Data, b: Data, c: Data, m: number, n: number, k: number, options: GemmOptions = {}, sparse = true): void {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  if (beta === 0) c.fill(0, 0, m * n);
  else if (beta !== 1) for (let i = 0; i < m * n; i++) c[i]! *= beta;
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  if (sparse && sparseAPays(a, m, n, k, transA, transB)) {
    gemmSparseA(a, b, c, m, n, k, transA, alpha);
    return;
  }

  const panelsB = Math.ceil(n / TILE);
  packedB = scratch(packedB, panelsB * k * TILE);
  packedA = scratch(packedA, k * TILE);
  const pb = packedB;
  const pa = packedA;

  // op(B)[p, j] sits at pb[(panel · k + p) · 4 + j % 4]; columns past n are zero.
  for (let panel = 0; panel < panelsB; panel++) {
    const j0 = panel * TILE;
    const base = panel * k * TILE;
    for (let p = 0; p < k; p++) {
      for (let jj = 0; jj < TILE; jj++) {
        const j = j0 + jj;
        pb[base + p * TILE + jj] = j < n ? (transB ? b[j * k + p]! : b[p * n + j]!) : 0;
      }
    }
  }

  for (let i0 = 0; i0 < m; i0 += TILE) {
    // op(A)[i, p] sits at pa[p · 4 + i % 4]; rows past m are zero.
    for (let p = 0; p < k; p++) {
      for (let ii = 0; ii < TILE; ii++) {
        const i = i0 + ii;
        pa[p * TILE + ii] = i < m ? (transA ? a[p * m + i]! : a[i * k + p]!) : 0;
      }
    }
    for (let panel = 0; panel < panelsB; panel++) {
      const base = panel * k * TILE;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = 0, bp = base; p < k; p++, ap += TILE, bp += TILE) {
        const a0 = pa[ap]!, a1 = pa[ap + 1]!, a2 = pa[ap + 2]!, a3 = pa[ap + 3]!;
        const b0 = pb[bp]!, b1 = pb[bp + 1]!, b2 = pb[bp + 2]!, b3 = pb[bp + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      const j0 = panel * TILE;
      const rowsHere = Math.min(TILE, m - i0);
      const colsHere = Math.min(TILE, n - j0);
      for (let ii = 0; ii < rowsHere; ii++) {
        const row = (i0 + ii) * n + j0;
        for (let jj = 0; jj < colsHere; jj++) c[row + jj]! += alpha * block[ii * TILE + jj]!;
      }
    }
  }
}
