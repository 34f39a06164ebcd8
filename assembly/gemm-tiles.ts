// The GEMM's register tiles: rows of C (4 or 6) × columns (8, or 4 for a last panel of at
// most 4), each f32x4 of sums kept in a register across the k block. Per p: 1 or 2 loads of
// B, one splatted load of A per row, a multiply-add per sum. 6×8 keeps 12 of the 16 vector
// registers as sums (15 are the engine's to allocate): the fewest loads and loop steps per
// multiply-add that fit; 6×8 measured 53–54 GFLOP/s against 4×8's 48–51 on one core here.
// Every element of C is summed over p in the same order whatever the tile: same bits.
// NOTE: tile6x8 is a function of its own, not inlined into the GEMM's loops: there V8 spills
// three of its sums to the stack every step (2–5× slower); a call costs ≈1% at k = 144.

import { update } from './block';
import { madd } from './simd';

/** Columns of a B panel. */
export const NR: i32 = 8;
/** Most rows of a tile. */
export const MR_MAX: i32 = 6;

/** Writes the valid mr×nr corner of a tile that was spilled to tmp (rows of NR). */
function updateEdge(tmp: usize, cp: usize, ldc: i32, alpha: f32, cb: f32, mr: i32, nr: i32): void {
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const q = cp + <usize>((r * ldc + j) * 4);
      const v = alpha * load<f32>(tmp + <usize>((r * NR + j) * 4));
      store<f32>(q, cb == 0 ? v : v + cb * load<f32>(q));
    }
  }
}

/** Row r of a finished tile: its two (nr > 4) or one f32x4 of sums into C, or into tmp when the tile is partial. */
// @ts-ignore: decorator
@inline
function put(full: bool, cp: usize, ld: usize, r: i32, lo: v128, hi: v128, wide: bool, va: v128, cb: f32, tmp: usize): void {
  if (full) {
    const q = cp + <usize>r * ld;
    update(q, lo, va, cb);
    if (wide) update(q + 16, hi, va, cb);
  } else {
    v128.store(tmp + <usize>(r * NR * 4), lo);
    if (wide) v128.store(tmp + <usize>(r * NR * 4 + 16), hi);
  }
}

/** 4×8 tile of C: A read in place (rows a0…a3, colStep bytes per p), B from a panel of 8 columns (bStep bytes per p). */
// @ts-ignore: decorator
@inline
export function tile4x8(a0: usize, a1: usize, a2: usize, a3: usize, colStep: usize, bp: usize, bStep: usize, kc: i32, cp: usize, ldc: i32, alpha: f32, cb: f32, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a0);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    a0 += colStep;
    a1 += colStep;
    a2 += colStep;
    a3 += colStep;
    bp += bStep;
  }
  const full = mr == 4 && nr == NR;
  const va = f32x4.splat(alpha);
  const ld = <usize>(ldc * 4);
  put(full, cp, ld, 0, c00, c01, true, va, cb, tmp);
  put(full, cp, ld, 1, c10, c11, true, va, cb, tmp);
  put(full, cp, ld, 2, c20, c21, true, va, cb, tmp);
  put(full, cp, ld, 3, c30, c31, true, va, cb, tmp);
  if (!full) updateEdge(tmp, cp, ldc, alpha, cb, mr, nr);
}

/** 4×4 tile: the last panel when at most 4 columns remain (half the work of a 4×8). */
// @ts-ignore: decorator
@inline
export function tile4x4(a0: usize, a1: usize, a2: usize, a3: usize, colStep: usize, bp: usize, bStep: usize, kc: i32, cp: usize, ldc: i32, alpha: f32, cb: f32, mr: i32, nr: i32, tmp: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    c0 = madd(v128.load32_splat(a0), b0, c0);
    c1 = madd(v128.load32_splat(a1), b0, c1);
    c2 = madd(v128.load32_splat(a2), b0, c2);
    c3 = madd(v128.load32_splat(a3), b0, c3);
    a0 += colStep;
    a1 += colStep;
    a2 += colStep;
    a3 += colStep;
    bp += bStep;
  }
  const full = mr == 4 && nr == 4;
  const va = f32x4.splat(alpha);
  const ld = <usize>(ldc * 4);
  put(full, cp, ld, 0, c0, c0, false, va, cb, tmp);
  put(full, cp, ld, 1, c1, c1, false, va, cb, tmp);
  put(full, cp, ld, 2, c2, c2, false, va, cb, tmp);
  put(full, cp, ld, 3, c3, c3, false, va, cb, tmp);
  if (!full) updateEdge(tmp, cp, ldc, alpha, cb, mr, nr);
}

/** 6×8 tile: as tile4x8 with two more rows of A (a4, a5). Not inlined (see the NOTE above). */
export function tile6x8(a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, colStep: usize, bp: usize, bStep: usize, kc: i32, cp: usize, ldc: i32, alpha: f32, cb: f32, mr: i32, nr: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a0);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4);
    c40 = madd(av, b0, c40);
    c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5);
    c50 = madd(av, b0, c50);
    c51 = madd(av, b1, c51);
    a0 += colStep;
    a1 += colStep;
    a2 += colStep;
    a3 += colStep;
    a4 += colStep;
    a5 += colStep;
    bp += bStep;
  }
  const full = mr == 6 && nr == NR;
  const va = f32x4.splat(alpha);
  const ld = <usize>(ldc * 4);
  put(full, cp, ld, 0, c00, c01, true, va, cb, tmp);
  put(full, cp, ld, 1, c10, c11, true, va, cb, tmp);
  put(full, cp, ld, 2, c20, c21, true, va, cb, tmp);
  put(full, cp, ld, 3, c30, c31, true, va, cb, tmp);
  put(full, cp, ld, 4, c40, c41, true, va, cb, tmp);
  put(full, cp, ld, 5, c50, c51, true, va, cb, tmp);
  if (!full) updateEdge(tmp, cp, ldc, alpha, cb, mr, nr);
}

/** 6×4 tile: the last panel of a 6-row tile. */
// @ts-ignore: decorator
@inline
export function tile6x4(a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, colStep: usize, bp: usize, bStep: usize, kc: i32, cp: usize, ldc: i32, alpha: f32, cb: f32, mr: i32, nr: i32, tmp: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0), c4 = f32x4.splat(0), c5 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    c0 = madd(v128.load32_splat(a0), b0, c0);
    c1 = madd(v128.load32_splat(a1), b0, c1);
    c2 = madd(v128.load32_splat(a2), b0, c2);
    c3 = madd(v128.load32_splat(a3), b0, c3);
    c4 = madd(v128.load32_splat(a4), b0, c4);
    c5 = madd(v128.load32_splat(a5), b0, c5);
    a0 += colStep;
    a1 += colStep;
    a2 += colStep;
    a3 += colStep;
    a4 += colStep;
    a5 += colStep;
    bp += bStep;
  }
  const full = mr == 6 && nr == 4;
  const va = f32x4.splat(alpha);
  const ld = <usize>(ldc * 4);
  put(full, cp, ld, 0, c0, c0, false, va, cb, tmp);
  put(full, cp, ld, 1, c1, c1, false, va, cb, tmp);
  put(full, cp, ld, 2, c2, c2, false, va, cb, tmp);
  put(full, cp, ld, 3, c3, c3, false, va, cb, tmp);
  put(full, cp, ld, 4, c4, c4, false, va, cb, tmp);
  put(full, cp, ld, 5, c5, c5, false, va, cb, tmp);
  if (!full) updateEdge(tmp, cp, ldc, alpha, cb, mr, nr);
}
