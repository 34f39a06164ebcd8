// One row of a sparse product: c = alpha · Σ_list value · B[p, :] + beta · c over a list of
// (p, value) nonzeros (nonzeros.ts), the sums held in SIMD registers (gemm-sparse.ts).

import { update } from './block';
import { madd } from './simd';

/**
 * c[j0 .. j1) = alpha · Σ_q value_q · B[p_q, j0 .. j1) + beta · c over the `count` list
 * entries (p_q = indices[q], value_q = values[q]): in passes of 32 columns (8 f32x4 sums in registers), then 16,
 * then 4; the last pass also takes up to 3 columns left over, so none runs alone.
 */
export function sparseRowTimesB(
  indices: usize, values: usize, count: i32, b: usize, n: i32, cRow: usize, j0: i32, j1: i32, alpha: f32, beta: f32,
): void {
  const rowBytes = <usize>(n * 4);
  let j = j0;
  while (j < j1) {
    const left = j1 - j;
    const vectors = left >= 32 ? 8 : left >= 16 ? 4 : left >= 4 ? 1 : 0;
    const rest = left - vectors * 4;
    const tail = rest < 4 ? rest : 0;
    const bj = b + <usize>(j * 4);
    const cp = cRow + <usize>(j * 4);
    if (vectors == 8) pass8(indices, values, count, bj, rowBytes, cp, tail, alpha, beta);
    else if (vectors == 4) pass4(indices, values, count, bj, rowBytes, cp, tail, alpha, beta);
    else pass1(indices, values, count, bj, rowBytes, cp, vectors, tail, alpha, beta);
    j += vectors * 4 + tail;
  }
}

function pass8(indices: usize, values: usize, count: i32, bj: usize, rowBytes: usize, cp: usize, tail: i32, alpha: f32, beta: f32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0), ct = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const av = v128.load32_splat(values + <usize>(q * 4));
    const bp = bj + <usize>load<i32>(indices + <usize>(q * 4)) * rowBytes;
    c0 = madd(av, v128.load(bp), c0);
    c1 = madd(av, v128.load(bp, 16), c1);
    c2 = madd(av, v128.load(bp, 32), c2);
    c3 = madd(av, v128.load(bp, 48), c3);
    c4 = madd(av, v128.load(bp, 64), c4);
    c5 = madd(av, v128.load(bp, 80), c5);
    c6 = madd(av, v128.load(bp, 96), c6);
    c7 = madd(av, v128.load(bp, 112), c7);
    if (tail) ct = madd(av, loadPartial(bp + 128, tail), ct);
  }
  const va = f32x4.splat(alpha);
  update(cp, c0, va, beta);
  update(cp + 16, c1, va, beta);
  update(cp + 32, c2, va, beta);
  update(cp + 48, c3, va, beta);
  update(cp + 64, c4, va, beta);
  update(cp + 80, c5, va, beta);
  update(cp + 96, c6, va, beta);
  update(cp + 112, c7, va, beta);
  if (tail) updatePartial(cp + 128, ct, alpha, beta, tail);
}

function pass4(indices: usize, values: usize, count: i32, bj: usize, rowBytes: usize, cp: usize, tail: i32, alpha: f32, beta: f32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0), ct = f32x4.splat(0);
  for (let q = 0; q < count; q++) {
    const av = v128.load32_splat(values + <usize>(q * 4));
    const bp = bj + <usize>load<i32>(indices + <usize>(q * 4)) * rowBytes;
    c0 = madd(av, v128.load(bp), c0);
    c1 = madd(av, v128.load(bp, 16), c1);
    c2 = madd(av, v128.load(bp, 32), c2);
    c3 = madd(av, v128.load(bp, 48), c3);
    if (tail) ct = madd(av, loadPartial(bp + 64, tail), ct);
  }
  const va = f32x4.splat(alpha);
  update(cp, c0, va, beta);
  update(cp + 16, c1, va, beta);
  update(cp + 32, c2, va, beta);
  update(cp + 48, c3, va, beta);
  if (tail) updatePartial(cp + 64, ct, alpha, beta, tail);
}

/** One vector (vectors = 1) and/or a tail of 1–3 columns. */
function pass1(indices: usize, values: usize, count: i32, bj: usize, rowBytes: usize, cp: usize, vectors: i32, tail: i32, alpha: f32, beta: f32): void {
  let c0 = f32x4.splat(0), ct = f32x4.splat(0);
  const offset = <usize>(vectors * 16);
  for (let q = 0; q < count; q++) {
    const av = v128.load32_splat(values + <usize>(q * 4));
    const bp = bj + <usize>load<i32>(indices + <usize>(q * 4)) * rowBytes;
    if (vectors) c0 = madd(av, v128.load(bp), c0);
    if (tail) ct = madd(av, loadPartial(bp + offset, tail), ct);
  }
  if (vectors) update(cp, c0, f32x4.splat(alpha), beta);
  if (tail) updatePartial(cp + offset, ct, alpha, beta, tail);
}

/** The first `length` (1–3) floats at p, zeros after: never reads past them. */
// @ts-ignore: decorator
@inline
function loadPartial(p: usize, length: i32): v128 {
  if (length == 1) return v128.load32_zero(p);
  const two = v128.load64_zero(p);
  return length == 2 ? two : v128.load32_lane(p + 8, two, 2);
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
