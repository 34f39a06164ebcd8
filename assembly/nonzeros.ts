// Lists the nonzeros of a float32 row: their count (to estimate a matrix's density) or
// their (index, value) pairs, packed by SIMD shuffles (gemm-sparse.ts builds its lists here).

export function countNonzeros(x: usize, length: i32): i32 {
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
export function listNonzeros(x: usize, length: i32, indices: usize, values: usize): i32 {
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
