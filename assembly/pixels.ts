// Images kept as one byte per pixel, turned into the floats a net takes: pixel = byte / 255.
// Division, not a multiplication by 1/255: f32 division is correctly rounded, so every byte
// gives the same float32 as the portable kernels' Math.fround(byte / 255).

/** dst[b, :] = src[rows[b], :] / 255 for b < count (rows of `width` bytes in, float32 out). */
export function gatherPixelRows(src: usize, rows: usize, dst: usize, count: i32, width: i32): void {
  for (let b = 0; b < count; b++) {
    const from = src + <usize>load<i32>(rows + <usize>(b * 4)) * <usize>width;
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
