// C = alpha · op(A) · B + beta · C when A is mostly zeros, touching only its nonzeros.
// MNIST images are 81% zero pixels, so the two big products of a training step with the
// images as A — the first layer's X·W1 and its weight gradient Xᵀ·dH — need a fifth of
// the dense work, and so does the evaluation's X·W1. Same row and column ranges as gemm
// (threads share one product).
//
// For each row i of C: the list of (p, op(A)[i, p]) over op(A)'s nonzeros, then
// C[i, :] = alpha · Σ_list value · B[p, :] + beta · C[i, :], the sum held in registers.
// The list is read off A's row directly, or (A transposed) sorted out of A by column.
// Lists are two arrays, the indices p (int32) and the values, each `capacity` long.
//
// NOTE: a zero of A meets no value of B: where B holds ∞ or NaN, the dense product gives
// NaN (0·∞) and this one does not. Otherwise only the order of the sums differs.

import { update } from './block';
import { madd } from './simd';

/** Rows of A sampled to estimate its density. */
const SAMPLE_ROWS: i32 = 8;
/** Narrower or shallower products gain too little to repay building the lists. */
const MIN_COLUMNS: i32 = 16;
const MIN_DEPTH: i32 = 32;
/** Bytes per list entry: an int32 index and a float32 value. */
const ENTRY: i32 = 8;

/**
 * Whether op(A)·B should take the sparse path: B not transposed, wide and deep enough, and
 * at most a fraction maxDensity of nonzeros in a sample of A's stored rows (k×m when transposed).
 */
export function sparseAPays(a: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, maxDensity: f32): bool {
  if (transB || n < MIN_COLUMNS || k < MIN_DEPTH || m < 1) return false;
  const rows = transA ? k : m;
  const width = transA ? m : k;
  const samples = min(SAMPLE_ROWS, rows);
  let nonzeros = 0;
  for (let s = 0; s < samples; s++) {
    const row = <i32>((<i64>s * rows) / samples);
    nonzeros += countNonzeros(a + <usize>row * <usize>width * 4, width);
  }
  return <f32>nonzeros <= maxDensity * <f32>(samples * width);
}

/**
 * C = alpha · A · B + beta · C over A's nonzeros (A m×k, not transposed); false, with C
 * untouched, when the scratch cannot hold a row's list.
 */
export function gemmSparseRows(
  a: usize, b: usize, c: usize, n: i32, k: i32, alpha: f32, beta: f32, i0: i32, i1: i32, j0: i32, j1: i32,
  scratch: usize, scratchBytes: i32,
): bool {
  const capacity = k;
  if (<i64>capacity * ENTRY > <i64>scratchBytes) return false;
  const indices = scratch;
  const values = scratch + <usize>capacity * 4;
  for (let i = i0; i < i1; i++) {
    const count = listNonzeros(a + <usize>(i * k) * 4, k, indices, values);
    sparseRowTimesB(indices, values, count, b, n, c + <usize>(i * n) * 4, j0, j1, alpha, beta);
  }
  return true;
}

/**
 * C = alpha · Aᵀ · B + beta · C over A's nonzeros (A stored k×m): the nonzeros of columns
 * [i0, i1) of A are listed row by row, then sorted into one list per column (a counting
 * sort, so each keeps the order of p). False, with C untouched, when the scratch cannot
 * hold the lists.
 */
export function gemmSparseColumns(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, alpha: f32, beta: f32, i0: i32, i1: i32, j0: i32, j1: i32,
  scratch: usize, scratchBytes: i32,
): bool {
  const rows = i1 - i0;
  // Scratch: rowEnds (k int32: where row p's entries end), positions (rows int32), then
  // the row-by-row lists and the column-by-column lists, each `capacity` entries.
  const rowEnds = scratch;
  const positions = rowEnds + <usize>k * 4;
  const lists = positions + <usize>rows * 4;
  const capacity = <i32>min<i64>((<i64>scratchBytes - <i64>(k + rows) * 4) / (2 * ENTRY), <i64>i32.MAX_VALUE);
  if (capacity < rows) return false;
  const rowIndices = lists;
  const rowValues = rowIndices + <usize>capacity * 4;
  const columnIndices = rowValues + <usize>capacity * 4;
  const columnValues = columnIndices + <usize>capacity * 4;
  let total = 0;
  for (let p = 0; p < k; p++) {
    if (total > capacity - rows) return false;
    const at = <usize>total * 4;
    total += listNonzeros(a + (<usize>p * m + i0) * 4, rows, rowIndices + at, rowValues + at);
    store<i32>(rowEnds + <usize>p * 4, total);
  }
  memory.fill(positions, 0, <usize>rows * 4);
  for (let q = 0; q < total; q++) {
    const slot = positions + <usize>load<i32>(rowIndices + <usize>q * 4) * 4;
    store<i32>(slot, load<i32>(slot) + 1);
  }
  let start = 0;
  for (let r = 0; r < rows; r++) {
    const slot = positions + <usize>r * 4;
    const count = load<i32>(slot);
    store<i32>(slot, start);
    start += count;
  }
  let q = 0;
  for (let p = 0; p < k; p++) {
    const end = load<i32>(rowEnds + <usize>p * 4);
    for (; q < end; q++) {
      const slot = positions + <usize>load<i32>(rowIndices + <usize>q * 4) * 4;
      const at = <usize>load<i32>(slot) * 4;
      store<i32>(slot, load<i32>(slot) + 1);
      store<i32>(columnIndices + at, p);
      store<f32>(columnValues + at, load<f32>(rowValues + <usize>q * 4));
    }
  }
  // Each position now marks the end of its column's list (= the start of the next).
  let begin = 0;
  for (let r = 0; r < rows; r++) {
    const end = load<i32>(positions + <usize>r * 4);
    const offset = <usize>begin * 4;
    sparseRowTimesB(columnIndices + offset, columnValues + offset, end - begin, b, n, c + <usize>((i0 + r) * n) * 4, j0, j1, alpha, beta);
    begin = end;
  }
  return true;
}

function countNonzeros(x: usize, length: i32): i32 {
  const zero = f32x4.splat(0);
  let count = 0;
  let j = 0;
  for (; j + 4 <= length; j += 4) count += popcnt(i32x4.bitmask(f32x4.ne(v128.load(x + <usize>(j * 4)), zero)));
  for (; j < length; j++) if (load<f32>(x + <usize>(j * 4)) != 0) count++;
  return count;
}

/**
 * Writes j and x[j] for each nonzero x[j], j < length, to indices and values; returns how
 * many. No branch per float: each 4 floats are packed to the front by a shuffle chosen by
 * their nonzero mask and stored whole. The up to 3 entries written past the count stay
 * below `length` (the count never exceeds j), so `length` entries of room suffice.
 */
function listNonzeros(x: usize, length: i32, indices: usize, values: usize): i32 {
  const zero = f32x4.splat(0);
  let count = 0;
  let j = 0;
  // Blocks of 16 floats, skipped when all zero (as most of an image's border is).
  for (; j + 16 <= length; j += 16) {
    const v = x + <usize>(j * 4);
    const v0 = v128.load(v), v1 = v128.load(v, 16), v2 = v128.load(v, 32), v3 = v128.load(v, 48);
    const n0 = f32x4.ne(v0, zero), n1 = f32x4.ne(v1, zero), n2 = f32x4.ne(v2, zero), n3 = f32x4.ne(v3, zero);
    if (!v128.any_true(v128.or(v128.or(n0, n1), v128.or(n2, n3)))) continue;
    count = pack4(v0, i32x4.bitmask(n0), j, indices, values, count);
    count = pack4(v1, i32x4.bitmask(n1), j + 4, indices, values, count);
    count = pack4(v2, i32x4.bitmask(n2), j + 8, indices, values, count);
    count = pack4(v3, i32x4.bitmask(n3), j + 12, indices, values, count);
  }
  for (; j + 4 <= length; j += 4) {
    const v = v128.load(x + <usize>(j * 4));
    count = pack4(v, i32x4.bitmask(f32x4.ne(v, zero)), j, indices, values, count);
  }
  for (; j < length; j++) {
    const value = load<f32>(x + <usize>(j * 4));
    const at = <usize>(count * 4);
    store<i32>(indices + at, j);
    store<f32>(values + at, value);
    count += i32(value != 0);
  }
  return count;
}

/** Appends the lanes of v set in `mask` (and their indices j + lane) at position `count`. */
// @ts-ignore: decorator
@inline
function pack4(v: v128, mask: i32, j: i32, indices: usize, values: usize, count: i32): i32 {
  const pack = v128.load(PACK_LANES + <usize>(mask * 16));
  const at = <usize>(count * 4);
  v128.store(indices + at, i8x16.swizzle(i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3)), pack));
  v128.store(values + at, i8x16.swizzle(v, pack));
  return count + popcnt(mask);
}

/**
 * For each 4-bit mask of nonzero lanes (lane 0 first, x = nonzero), the byte shuffle that
 * moves those lanes to the front, in order; the lanes after them are don't-cares.
 * NOTE: constant data, not filled in by code at start: every instantiation on the shared
 * memory (each worker's) rewrites the data segments, and a table being refilled while
 * another thread reads it would send that thread's reads anywhere.
 */
const PACK_LANES = memory.data<u8>([
  0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,  // ....
  0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,  // x...
  4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,  // .x..
  0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3,  // xx..
  8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,  // ..x.
  0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3,  // x.x.
  4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3,  // .xx.
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3,  // xxx.
  12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,  // ...x
  0, 1, 2, 3, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3,  // x..x
  4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3,  // .x.x
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3,  // xx.x
  8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3,  // ..xx
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3,  // x.xx
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3,  // .xxx
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,  // xxxx
]);

/**
 * c[j0 .. j1) = alpha · Σ_q value_q · B[p_q, j0 .. j1) + beta · c over the `count` list
 * entries (p_q = indices[q], value_q = values[q]): in passes of 32 columns (8 f32x4 sums in registers), then 16,
 * then 4; the last pass also takes up to 3 columns left over, so none runs alone.
 */
function sparseRowTimesB(
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
