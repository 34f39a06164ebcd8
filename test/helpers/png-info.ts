// The size of a PNG from its header: 8-byte signature, then the IHDR chunk
// (length 13, "IHDR", width u32 BE, height u32 BE, ...). Enough to check that a written chart
// is a PNG of the expected size without decoding it.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG: bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkType = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || chunkType !== 'IHDR') throw new Error('not a PNG: first chunk is not IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
