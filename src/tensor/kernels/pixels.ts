// Images kept as one byte per pixel (0..255), and the floats a net takes: pixel = byte / 255.

/** byte / 255 as float32, for every byte value. */
const UNIT = Float32Array.from({ length: 256 }, (_, value) => value / 255);

/** out[offset + j] = bytes[j] / 255 for every j: one pass, through a 256-entry table. */
export function bytesToUnit(bytes: Uint8Array, out: Float32Array | Float64Array, offset = 0): void {
  const n = bytes.length;
  if (offset + n > out.length) throw new RangeError(`bytesToUnit: ${n} values at ${offset} overflow ${out.length}`);
  for (let i = 0; i < n; i++) out[offset + i] = UNIT[bytes[i]!]!;
}
