// One row of a sparse product: c = alpha · Σ_list value · B[p, :] + beta · c over a list of
// (p, value) nonzeros (nonzeros.ts), the sums held in SIMD registers (gemm-sparse.ts).

import { update } from './block';
import { madd } from './simd';

/**
 * Most f32x4 sums one walk of the list keeps in registers. Measured (V8, x64, n = 50):
 * walks of 7 and 6 sums take 2/3 the time of walks of 8 and 5, and one walk of 13 is
 * slower still: past 7 sums V8 spills them to memory.
 */
const MAX_SUMS: i32 = 7;

/**
 * c[j0 .. j1) = alpha · Σ_q value_q · B[p_q, j0 .. j1) + beta · c over the `count` list
 * entries (p_q = indices[q], value_q = values[q]). The columns are cut into as few walks of
 * the list as hold at most MAX_SUMS sums each, dealt evenly (n = 50: 7 + 6 sums). A last
 * 1–3 columns are summed as the top lanes of a vector ending at column j1 (its other lanes
 * repeat columns already summed, and are not written), so no walk branches on a partial
 * vector. NOTE: so j1 ≥ 4 (gemm-sparse.ts takes only B of 16 columns or more, and threads
 * cut C's columns in whole 8-column panels). Each column's sum runs over the list in order,
 * whichever walk and lane hold it: the same bits for any cut of [j0, j1).
 */
export function sparseRowTimesB(
  indices: usize, values: usize, count: i32, b: usize, n: i32, cRow: usize, j0: i32, j1: i32, alpha: f32, beta: f32,
): void {
  const rowBytes = <usize>(n * 4);
  const columns = j1 - j0;
  const tail = columns & 3;
  const sums = (columns + 3) >> 2;
  const walks = (sums + MAX_SUMS - 1) / MAX_SUMS;
  let j = j0;
  for (let walk = 0; walk < walks; walk++) {
    // The first (sums % walks) walks take one sum more.
    const share = sums / walks + (walk < sums % walks ? 1 : 0);
    const lastTail = walk == walks - 1 ? tail : 0;
    // Byte offset (from column j) of the walk's last vector: when partial, the 4 columns
    // ending at j1 (before column j when the walk is that vector alone: wraps, as addresses do).
    const lastAt = <usize>((lastTail ? share * 4 - 8 + lastTail : share * 4 - 4) * 4);
    walkList(indices, values, count, b + <usize>(j * 4), rowBytes, cRow + <usize>(j * 4), share, lastAt, lastTail, alpha, beta);
    j += share * 4;
  }
}

/** One walk: `vectors` (1–7) sums, the last one at byte offset lastAt, its top `tail` lanes only when tail > 0. */
function walkList(
  indices: usize, values: usize, count: i32, bj: usize, rowBytes: usize, cp: usize, vectors: i32, lastAt: usize, tail: i32, alpha: f32, beta: f32,
): void {
  // NOTE: one inlined copy per vector count: constant counts let the compiler drop the
  // unused sums from the loop.
  switch (vectors) {
    case 7: sumsOf(indices, values, count, bj, rowBytes, cp, 7, lastAt, tail, alpha, beta); break;
    case 6: sumsOf(indices, values, count, bj, rowBytes, cp, 6, lastAt, tail, alpha, beta); break;
    case 5: sumsOf(indices, values, count, bj, rowBytes, cp, 5, lastAt, tail, alpha, beta); break;
    case 4: sumsOf(indices, values, count, bj, rowBytes, cp, 4, lastAt, tail, alpha, beta); break;
    case 3: sumsOf(indices, values, count, bj, rowBytes, cp, 3, lastAt, tail, alpha, beta); break;
    case 2: sumsOf(indices, values, count, bj, rowBytes, cp, 2, lastAt, tail, alpha, beta); break;
    default: sumsOf(indices, values, count, bj, rowBytes, cp, 1, lastAt, tail, alpha, beta);
  }
}

// @ts-ignore: decorator
@inline
function sumsOf(
  indices: usize, values: usize, count: i32, bj: usize, rowBytes: usize, cp: usize, vectors: i32, lastAt: usize, tail: i32, alpha: f32, beta: f32,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), last = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const av = v128.load32_splat(values + <usize>(q * 4));
    const bp = bj + <usize>load<i32>(indices + <usize>(q * 4)) * rowBytes;
    if (vectors > 1) c0 = madd(av, v128.load(bp), c0);
    if (vectors > 2) c1 = madd(av, v128.load(bp, 16), c1);
    if (vectors > 3) c2 = madd(av, v128.load(bp, 32), c2);
    if (vectors > 4) c3 = madd(av, v128.load(bp, 48), c3);
    if (vectors > 5) c4 = madd(av, v128.load(bp, 64), c4);
    if (vectors > 6) c5 = madd(av, v128.load(bp, 80), c5);
    last = madd(av, v128.load(bp + lastAt), last);
  }
  const va = f32x4.splat(alpha);
  if (vectors > 1) update(cp, c0, va, beta);
  if (vectors > 2) update(cp + 16, c1, va, beta);
  if (vectors > 3) update(cp + 32, c2, va, beta);
  if (vectors > 4) update(cp + 48, c3, va, beta);
  if (vectors > 5) update(cp + 64, c4, va, beta);
  if (vectors > 6) update(cp + 80, c5, va, beta);
  if (tail == 0) update(cp + lastAt, last, va, beta);
  else if (tail == 1) updatePartial(cp + lastAt + 12, v128.shuffle<f32>(last, last, 3, 3, 3, 3), alpha, beta, 1);
  else if (tail == 2) updatePartial(cp + lastAt + 8, v128.shuffle<f32>(last, last, 2, 3, 3, 3), alpha, beta, 2);
  else updatePartial(cp + lastAt + 4, v128.shuffle<f32>(last, last, 1, 2, 3, 3), alpha, beta, 3);
}

/** c = alpha · acc + beta · c on the first `length` (1–3) floats at cp. */
function updatePartial(cp: usize, acc: v128, alpha: f32, beta: f32, length: i32): void {
  for (let j = 0; j < length; j++) {
    const q = cp + <usize>(j * 4);
    const value = alpha * f32x4.extract_lane(acc, 0);
    store<f32>(q, beta == 0 ? value : value + beta * load<f32>(q));
    acc = v128.shuffle<f32>(acc, acc, 1, 2, 3, 0);
  }
}
