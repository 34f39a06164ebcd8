// Images kept as one byte per pixel, turned into the floats a net takes: pixel = byte / 255.
// Division, not a multiplication by 1/255: f32 division is correctly rounded, so every byte
// gives the same float32 as the portable kernels' Math.fround(byte / 255).

/** Where the touches of touchRow go: a global, so that the loads are never optimized away. */
let touched: i32 = 0;

/**
 * Reads one byte of every cache line of a row: the row's cache and TLB misses (scattered rows
 * of a large dataset miss both) start now and overlap the work on the row before it, instead
 * of each stalling its own conversion. (Wasm has no prefetch instruction; a load is one.)
 */
// @ts-ignore: decorator
@inline
function touchRow(from: usize, width: i32): void {
  let sum = 0;
  for (let j = 0; j < width; j += 64) sum += load<u8>(from + <usize>j);
  touched += sum;
}

/** How many rows ahead of the one being converted are touched. */
const AHEAD = 2;

/** dst[b, :] = src[rows[b], :] / 255 for b < count (rows of `width` bytes in, float32 out). */
export function gatherPixelRows(src: usize, rows: usize, dst: usize, count: i32, width: i32): void {
  for (let b = 0; b < min(count, AHEAD); b++) touchRow(src + <usize>load<i32>(rows + <usize>(b * 4)) * <usize>width, width);
  for (let b = 0; b < count; b++) {
    const from = src + <usize>load<i32>(rows + <usize>(b * 4)) * <usize>width;
    if (b + AHEAD < count) touchRow(src + <usize>load<i32>(rows + <usize>((b + AHEAD) * 4)) * <usize>width, width);
    bytesToUnit(from, dst + <usize>b * <usize>width * 4, width);
  }
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
