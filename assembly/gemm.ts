// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C   (row-major, float32)
// for rows [i0, i1) and columns [j0, j1) of C only, so threads can share one product.
//
// Blocking (one thread): columns of C in blocks of NC, k in blocks of at most KC. For each
// (column block, k block), op(B) is packed into panels of 8 columns (row p of a panel =
// 8 consecutive floats), used by every 4 rows of C, unless C has so few rows that a
// row-major B is better read in place; A is read in place (packing it did not pay: with
// n = 50 a row of A meets only 7 panels). Rows of C go in tiles of 6 (gemm-tiles.ts: 12
// f32x4 sums in registers across the k block; per p, 2 loads of B, 6 splatted loads of A,
// 12 multiply-adds), the last few in tiles of 4 (8 rows: 4 + 4, not 6 + 2).

import { scaleBlock } from './block';
import { gemmSparseColumns, gemmSparseRows, gemmSparseScatter } from './gemm-sparse';
import { MR_MAX, NR, tile4x4, tile4x8, tile6x4, tile6x8 } from './gemm-tiles';
const KC: i32 = 512;
const NC: i32 = 512;
const MIN_SIX_K: i32 = 16;
const DIRECT_B_MAX_ROWS: i32 = 128;
const DIRECT_B_MAX_COLUMNS: i32 = 256;

/** Bytes of scratch one gemm call needs: a packed B block and a tile buffer. */
export function gemmScratchBytes(): i32 {
  return (KC * NC + MR_MAX * NR) * 4;
}

export function gemm(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32,
  alpha: f32, beta: f32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize, sparse: i32,
): void {
  if (i0 >= i1 || j0 >= j1) return;
  if (k == 0 || alpha == 0) {
    scaleBlock(c, n, beta, i0, i1, j0, j1);
    return;
  }
  // A mostly zeros (a batch of images): only its nonzeros are multiplied (gemm-sparse.ts).
  // NOTE: the caller decides once per product (sparseAPays), not each block: a product split
  // over threads then gives the same bits as on one thread.
  if (sparse && !transB) {
    // Aᵀ·B on one thread scatters; a block of C's rows (threads) sorts lists, measured faster
    // there (the block's scattered additions to its rows of C cost more than the sort).
    const scatter = alpha == 1 && beta == 0 && i0 == 0 && i1 == m;
    const done = !transA
      ? gemmSparseRows(a, b, c, n, k, alpha, beta, i0, i1, j0, j1, scratch, gemmScratchBytes())
      : scatter
        ? gemmSparseScatter(a, b, c, m, n, k, i0, i1, j0, j1, scratch, gemmScratchBytes())
        : gemmSparseColumns(a, b, c, m, n, k, alpha, beta, i0, i1, j0, j1, scratch, gemmScratchBytes());
    if (done) return;
  }
  const packedB = scratch;
  const tmp = packedB + <usize>(KC * NC * 4);
  // Equal k blocks (784 → 4 × 196, not 3 × 256 + 16): no short, inefficient last block.
  const kBlocks = (k + KC - 1) / KC;
  const kcMax = (k + kBlocks - 1) / kBlocks;
  // Few rows of C reuse a packed panel of B too rarely to repay packing it: read the
  // full 8-column panels of a row-major B in place (the last, partial one is packed).
  // Not when B is wide: then each row of a panel would sit on another page.
  const direct = !transB && i1 - i0 <= DIRECT_B_MAX_ROWS && n <= DIRECT_B_MAX_COLUMNS;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = min(kcMax, k - pc);
      // NOTE: beta applies once, on the first k block; later blocks accumulate (beta = 1).
      const cb: f32 = pc == 0 ? beta : 1;
      packB(b, n, k, transB, direct, pc, kc, jc, nc, packedB);
      for (let ic = i0; ic < i1; ) {
        const rows = i1 - ic;
        // A call per 6×8 tile (gemm-tiles.ts) costs more than it gains over very few p.
        const six = kc >= MIN_SIX_K && (rows >= 9 || rows == 5 || rows == 6);
        const mr = min(six ? 6 : 4, rows);
        // op(A)[i, p] sits at a + i·rowStep + p·colStep; rows past mr repeat the last
        // one (computed, never written), so A is read in place, not packed.
        const rowStep = transA ? <usize>4 : <usize>(k * 4);
        const colStep = transA ? <usize>(m * 4) : <usize>4;
        const a0 = a + <usize>ic * rowStep + <usize>pc * colStep;
        const a1 = a0 + <usize>min(1, mr - 1) * rowStep;
        const a2 = a0 + <usize>min(2, mr - 1) * rowStep;
        const a3 = a0 + <usize>min(3, mr - 1) * rowStep;
        const a4 = a0 + <usize>min(4, mr - 1) * rowStep;
        const a5 = a0 + <usize>min(5, mr - 1) * rowStep;
        const cRow = c + <usize>((ic * n + jc) * 4);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const inPlace = direct && nr == NR;
          const bp = inPlace ? b + <usize>((pc * n + jc + jr) * 4) : packedB + <usize>(jr * kc * 4);
          const bStep = inPlace ? <usize>(n * 4) : <usize>(NR * 4);
          const cp = cRow + <usize>(jr * 4);
          if (six) {
            if (nr > 4) tile6x8(a0, a1, a2, a3, a4, a5, colStep, bp, bStep, kc, cp, n, alpha, cb, mr, nr, tmp);
            else tile6x4(a0, a1, a2, a3, a4, a5, colStep, bp, bStep, kc, cp, n, alpha, cb, mr, nr, tmp);
          } else if (nr > 4) {
            tile4x8(a0, a1, a2, a3, colStep, bp, bStep, kc, cp, n, alpha, cb, mr, nr, tmp);
          } else {
            tile4x4(a0, a1, a2, a3, colStep, bp, bStep, kc, cp, n, alpha, cb, mr, nr, tmp);
          }
        }
        ic += mr;
      }
    }
  }
}

/**
 * Packs op(B)[pc .. pc+kc, jc .. jc+nc] into 8-column panels, zero beyond nc; with
 * `partialOnly`, only a last panel of fewer than 8 columns (the others are read in place).
 */
function packB(b: usize, n: i32, k: i32, transB: i32, partialOnly: bool, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const j = jc + jr;
    const nr = min(NR, nc - jr);
    const d0 = dst + <usize>(jr * kc * 4);
    if (partialOnly && nr == NR) continue;
    if (!transB) {
      // op(B)[p, j] = B[p, j] at b + (p·n + j)·4: rows of the panel are contiguous in B.
      const stride = <usize>(n * 4);
      let s = b + <usize>((pc * n + j) * 4);
      let d = d0;
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += stride;
          d += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let jj = 0; jj < NR; jj++) store<f32>(d + <usize>(jj * 4), jj < nr ? load<f32>(s + <usize>(jj * 4)) : 0);
          s += stride;
          d += 32;
        }
      }
    } else {
      // op(B)[p, j] = B[j, p] at b + (j·k + p)·4: 4×4 blocks transposed in registers.
      const rowBytes = <usize>(k * 4);
      let p = 0;
      if (nr == NR) {
        const s0 = b + <usize>((j * k + pc) * 4);
        for (; p + 4 <= kc; p += 4) {
          const s = s0 + <usize>(p * 4);
          const d = d0 + <usize>(p * 32);
          transpose4(s, rowBytes, d, 32);
          transpose4(s + 4 * rowBytes, rowBytes, d + 16, 32);
        }
      }
      for (; p < kc; p++) {
        const d = d0 + <usize>(p * 32);
        for (let jj = 0; jj < NR; jj++) {
          store<f32>(d + <usize>(jj * 4), jj < nr ? load<f32>(b + <usize>(((j + jj) * k + pc + p) * 4)) : 0);
        }
      }
    }
  }
}

/** Reads 4 rows of 4 floats (row stride `srcStride` bytes) and writes them as 4 columns. */
// @ts-ignore: decorator
@inline
function transpose4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstStride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}
