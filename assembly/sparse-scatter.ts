// One row of B scattered over the rows of C that a list names: for each (i, value) of a list
// of nonzeros (nonzeros.ts), C[i, :] += value · B[p, :]. This is Aᵀ·B taken row p of the
// stored A at a time (gemm-sparse.ts), with the row of B held in SIMD registers.

import { madd } from './simd';

/** Most f32x4 of the row of B one walk of the list holds (as sparse-row.ts: V8 spills past 7). */
const MAX_VECTORS: i32 = 7;

/**
 * c[i_q, 0 .. columns) += value_q · bRow[0 .. columns) for the `count` list entries
 * (i_q = indices[q], value_q = values[q]); cRows: C's first row (shifted to the block's first
 * column), rowBytes: C's row stride. The columns are cut into walks of at most MAX_VECTORS
 * vectors, dealt evenly; the last walk also takes the 1–3 columns past the last whole vector.
 * Each element of C gets its terms in list order, whichever walk holds it.
 */
export function scatterRowOfB(indices: usize, values: usize, count: i32, bRow: usize, cRows: usize, rowBytes: usize, columns: i32): void {
  const tail = columns & 3;
  const vectors = columns >> 2;
  const walks = max(1, (vectors + MAX_VECTORS - 1) / MAX_VECTORS);
  let j = 0;
  for (let walk = 0; walk < walks; walk++) {
    const share = vectors / walks + (walk < vectors % walks ? 1 : 0);
    const at = <usize>(j * 4);
    walkList(indices, values, count, bRow + at, cRows + at, rowBytes, share, walk == walks - 1 ? tail : 0);
    j += share * 4;
  }
}

/** One walk: `vectors` (0–7) whole vectors, then `tail` (0–3) columns. */
function walkList(indices: usize, values: usize, count: i32, bj: usize, cj: usize, rowBytes: usize, vectors: i32, tail: i32): void {
  // NOTE: one inlined copy per vector count: constant counts let the compiler drop the
  // unused vectors from the loop.
  switch (vectors) {
    case 7: scatter(indices, values, count, bj, cj, rowBytes, 7, tail); break;
    case 6: scatter(indices, values, count, bj, cj, rowBytes, 6, tail); break;
    case 5: scatter(indices, values, count, bj, cj, rowBytes, 5, tail); break;
    case 4: scatter(indices, values, count, bj, cj, rowBytes, 4, tail); break;
    case 3: scatter(indices, values, count, bj, cj, rowBytes, 3, tail); break;
    case 2: scatter(indices, values, count, bj, cj, rowBytes, 2, tail); break;
    case 1: scatter(indices, values, count, bj, cj, rowBytes, 1, tail); break;
    default: scatter(indices, values, count, bj, cj, rowBytes, 0, tail);
  }
}

// @ts-ignore: decorator
@inline
function scatter(indices: usize, values: usize, count: i32, bj: usize, cj: usize, rowBytes: usize, vectors: i32, tail: i32): void {
  const zero = f32x4.splat(0);
  const b0 = vectors > 0 ? v128.load(bj) : zero;
  const b1 = vectors > 1 ? v128.load(bj, 16) : zero;
  const b2 = vectors > 2 ? v128.load(bj, 32) : zero;
  const b3 = vectors > 3 ? v128.load(bj, 48) : zero;
  const b4 = vectors > 4 ? v128.load(bj, 64) : zero;
  const b5 = vectors > 5 ? v128.load(bj, 80) : zero;
  const b6 = vectors > 6 ? v128.load(bj, 96) : zero;
  const tailAt = <usize>(vectors * 16);
  const bt = tail ? loadPartial(bj + tailAt, tail) : zero;
  for (let q = 0; q < count; q++) {
    const av = v128.load32_splat(values + <usize>(q * 4));
    const cp = cj + <usize>load<i32>(indices + <usize>(q * 4)) * rowBytes;
    if (vectors > 0) v128.store(cp, madd(av, b0, v128.load(cp)));
    if (vectors > 1) v128.store(cp, madd(av, b1, v128.load(cp, 16)), 16);
    if (vectors > 2) v128.store(cp, madd(av, b2, v128.load(cp, 32)), 32);
    if (vectors > 3) v128.store(cp, madd(av, b3, v128.load(cp, 48)), 48);
    if (vectors > 4) v128.store(cp, madd(av, b4, v128.load(cp, 64)), 64);
    if (vectors > 5) v128.store(cp, madd(av, b5, v128.load(cp, 80)), 80);
    if (vectors > 6) v128.store(cp, madd(av, b6, v128.load(cp, 96)), 96);
    if (tail) storePartial(cp + tailAt, madd(av, bt, loadPartial(cp + tailAt, tail)), tail);
  }
}

/** The first `length` (1–3) floats at p, zeros after: never reads past them. */
// @ts-ignore: decorator
@inline
function loadPartial(p: usize, length: i32): v128 {
  if (length == 1) return v128.load32_zero(p);
  const two = v128.load64_zero(p);
  return length == 2 ? two : v128.load32_lane(p + 8, two, 2);
}

/** Writes the first `length` (1–3) lanes of v at p, nothing past them. */
// @ts-ignore: decorator
@inline
function storePartial(p: usize, v: v128, length: i32): void {
  if (length == 1) {
    v128.store32_lane(p, v, 0);
    return;
  }
  v128.store64_lane(p, v, 0);
  if (length == 3) v128.store32_lane(p + 8, v, 2);
}
