// Floats as little-endian bytes, the order every file format here uses (safetensors, ONNX):
// a plain copy on a little-endian host, a DataView loop elsewhere.

import type { Data } from '../tensor/tensor.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function writeLittleEndian(data: Data, out: Uint8Array, position: number): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(position + 8 * i, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i]!, true);
}

export function readLittleEndian(bytes: Uint8Array, position: number, out: Data): void {
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes.subarray(position, position + out.byteLength));
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  if (out instanceof Float64Array) for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(position + 8 * i, true);
  else for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(position + 4 * i, true);
}

/** The bytes of `data`, little-endian, in a new array. */
export function littleEndianBytes(data: Data): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  writeLittleEndian(data, out, 0);
  return out;
}
