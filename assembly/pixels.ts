// Images kept as one byte per pixel, turned into the floats a net takes: pixel = byte / 255.
// Division, not a multiplication by 1/255: f32 division is correctly rounded, so every byte
// gives the same float32 as the portable kernels' Math.fround(byte / 255).

/** Where the touches of touchRows go: a global, so that the loads are never optimized away. */
let touched: i32 = 0;

/**
 * Rows touched, then converted, at a time: a minibatch of 100 at once (measured: 128 a
 * little faster than 64), whose 100 KB of bytes stay in the core's own cache between.
 */
const GROUP: i32 = 128;

/** dst[b, :] = src[rows[b], :] / 255 for b < count (rows of `width` bytes in, float32 out). */
export function gatherPixelRows(src: usize, rows: usize, dst: usize, count: i32, width: i32): void {
  if (width <= 0) return;
  for (let first = 0; first < count; first += GROUP) {
    const last = min(first + GROUP, count);
    touchRows(src, rows, first, last, width);
    for (let b = first; b < last; b++) {
      const from = src + <usize>load<i32>(rows + <usize>(b * 4)) * <usize>width;
      bytesToUnit(from, dst + <usize>b * <usize>width * 4, width);
    }
  }
}

/**
 * Reads one byte of every cache line of rows [first, last): loads that depend on nothing,
 * so that their misses (rows scattered over a large dataset miss cache and TLB) are all
 * under way at once, instead of each stalling its own row's conversion. (Wasm has no
 * prefetch instruction; a load is one.) Measured: 81 → 47 µs a batch of 100 MNIST rows.
 */
function touchRows(src: usize, rows: usize, first: i32, last: i32, width: i32): void {
  let sum0 = 0, sum1 = 0;
  for (let b = first; b < last; b++) {
    const from = src + <usize>load<i32>(rows + <usize>(b * 4)) * <usize>width;
    let j = 0;
    for (; j + 64 < width; j += 128) {
      sum0 += load<u8>(from + <usize>j);
      sum1 += load<u8>(from + <usize>j + 64);
    }
    if (j < width) sum0 += load<u8>(from + <usize>j);
    sum0 += load<u8>(from + <usize>(width - 1));
  }
  touched += sum0 + sum1;
}

/** out[j] = bytes[j] / 255 for j < length: 16 bytes at a time, widened to four f32x4. */
function bytesToUnit(bytes: usize, out: usize, length: i32): void {
  const scale = f32x4.splat(255);
  let j = 0;
  for (; j + 16 <= length; j += 16) {
    const v = v128.load(bytes + <usize>j);
    const low = i16x8.extend_low_i8x16_u(v);
    const high = i16x8.extend_high_i8x16_u(v);
    const o = out + <usize>(j * 4);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), scale));
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), scale), 16);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), scale), 32);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), scale), 48);
  }
  for (; j < length; j++) store<f32>(out + <usize>(j * 4), <f32>load<u8>(bytes + <usize>j) / <f32>255);
}
