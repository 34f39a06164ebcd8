// C = alpha · op(A) · B + beta · C when A is mostly zeros, touching only its nonzeros.
// MNIST images are 81% zero pixels, so the two big products of a training step with the
// images as A — the first layer's X·W1 and its weight gradient Xᵀ·dH — need a fifth of
// the dense work, and so does the evaluation's X·W1. Same row and column ranges as gemm
// (threads share one product).
//
// For each row i of C: the list of (p, op(A)[i, p]) over op(A)'s nonzeros, then
// C[i, :] = alpha · Σ_list value · B[p, :] + beta · C[i, :], the sum held in registers.
// The list is read off A's row directly, or (A transposed) sorted out of A by column.
// C = Aᵀ·B (alpha = 1, beta = 0: a weight gradient) on one thread skips the sort: each
// stored row p of A is listed and B's row p scattered over the rows of C it names, the
// same terms added in the same order (p), so the same bits as the sorted lists.
// Lists are two arrays, the indices p (int32) and the values, each `capacity` long.
// The lists are built in nonzeros.ts, each row's sum in registers in sparse-row.ts.
//
// NOTE: a zero of A meets no value of B: where B holds ∞ or NaN, the dense product gives
// NaN (0·∞) and this one does not. Otherwise only the order of the sums differs.

import { countNonzeros, listNonzeros } from './nonzeros';
import { sparseRowTimesB } from './sparse-row';
import { scatterRowOfB } from './sparse-scatter';

/** Rows of A sampled to estimate its density. */
const SAMPLE_ROWS: i32 = 8;
/**
 * Narrower or shallower products gain too little to repay building the lists.
 * NOTE: MIN_COLUMNS ≥ 4: sparse-row.ts reads the 4 columns of B that end a block of C.
 */
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

/**
 * C[i0 .. i1, j0 .. j1) = Aᵀ · B over A's nonzeros (A stored k×m; alpha = 1, beta = 0): the
 * block zeroed, then for each stored row p of A, in order, C[i, :] += A[p, i] · B[p, :] for
 * the nonzeros A[p, i], i in [i0, i1) (sparse-scatter.ts). Row blocks: a thread writes only
 * its own rows of C. False, with C untouched, when the scratch cannot hold a row's list.
 */
export function gemmSparseScatter(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize, scratchBytes: i32,
): bool {
  const rows = i1 - i0;
  if (<i64>rows * ENTRY > <i64>scratchBytes) return false;
  const indices = scratch;
  const values = scratch + <usize>rows * 4;
  const rowBytes = <usize>(n * 4);
  const block = c + <usize>(i0 * n + j0) * 4;
  for (let i = 0; i < rows; i++) memory.fill(block + <usize>i * rowBytes, 0, <usize>((j1 - j0) * 4));
  for (let p = 0; p < k; p++) {
    const count = listNonzeros(a + (<usize>p * m + i0) * 4, rows, indices, values);
    scatterRowOfB(indices, values, count, b + <usize>p * rowBytes + <usize>(j0 * 4), block, rowBytes, j1 - j0);
  }
  return true;
}
