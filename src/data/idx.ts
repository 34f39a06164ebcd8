// The IDX file format (MNIST's), as bytes, big-endian:
//   0x00 0x00 <type> <dims>   then one uint32 per dimension   then the data.
// Only type 0x08 (unsigned byte) is read and written: it is what MNIST uses.

import { InputError } from '../errors.js';

export const IDX_UINT8 = 0x08;

export interface Idx {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/** Parses a whole (already decompressed) IDX file; `source` names it in errors. */
export function parseIdx(bytes: Uint8Array, source: string): Idx {
  const { dims, headerLength } = parseIdxHeader(bytes, bytes.length, source);
  return { dims, data: bytes.subarray(headerLength) };
}

export interface IdxHeader {
  readonly dims: number[];
  /** Bytes before the data: 4 + 4 per dimension. */
  readonly headerLength: number;
}

/**
 * Parses the header at the start of `bytes` (at least 4 + 4·dims bytes of the file, or all of
 * it) and checks it against the file's whole length, so that a file can be read in pieces.
 */
export function parseIdxHeader(bytes: Uint8Array, fileLength: number, source: string): IdxHeader {
  if (fileLength === 0) throw new InputError(`${source}: file is empty`);
  if (fileLength < 4) throw new InputError(`${source}: too short for an IDX header (${fileLength} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(`${source}: wrong magic number 0x${hex(bytes, 0, 4)} (an IDX file starts with 0x0000)`);
  }
  const type = bytes[2]!;
  if (type !== IDX_UINT8) throw new InputError(`${source}: IDX data type 0x${type.toString(16).padStart(2, '0')} is not supported (only 0x08, unsigned byte)`);
  const ndim = bytes[3]!;
  if (ndim === 0) throw new InputError(`${source}: IDX header declares 0 dimensions`);
  const headerLength = 4 + 4 * ndim;
  if (fileLength < headerLength) {
    throw new InputError(`${source}: truncated header: ${ndim} dimensions need ${headerLength} bytes, file has ${fileLength}`);
  }
  if (bytes.length < headerLength) throw new Error(`parseIdxHeader: ${source}: given ${bytes.length} bytes of a ${headerLength}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let items = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    items *= size;
  }
  const held = fileLength - headerLength;
  if (items > held) {
    throw new InputError(`${source}: declares ${dims.join('×')} = ${items} bytes of data but holds only ${held} (truncated file?)`);
  }
  if (items < held) {
    throw new InputError(`${source}: declares ${dims.join('×')} = ${items} bytes of data but holds ${held} (${held - items} bytes too many)`);
  }
  return { dims, headerLength };
}

/** The largest IDX header: 255 dimensions. */
export const IDX_MAX_HEADER_BYTES = 4 + 4 * 255;

/** Serializes uint8 data of the given dimensions as an IDX file. */
export function writeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  let items = 1;
  for (const size of dims) {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) throw new Error(`writeIdx: bad dimension ${size}`);
    items *= size;
  }
  if (dims.length === 0 || dims.length > 255) throw new Error(`writeIdx: ${dims.length} dimensions (1..255 allowed)`);
  if (items !== data.length) throw new Error(`writeIdx: dimensions ${dims.join('×')} hold ${items} bytes, data has ${data.length}`);
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + items);
  const view = new DataView(out.buffer);
  out[2] = IDX_UINT8;
  out[3] = dims.length;
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(data, headerLength);
  return out;
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  return Array.from(bytes.subarray(start, end), (b) => b.toString(16).padStart(2, '0')).join('');
}
