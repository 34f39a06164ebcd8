// The safetensors format (Hugging Face), as bytes:
//
//   [8 bytes]  N, unsigned 64-bit little-endian: the header length
//   [N bytes]  UTF-8 JSON header, padded with spaces so the data starts 8-byte aligned:
//              { "__metadata__": { string: string },
//                NAME: { "dtype": "F32", "shape": [d0, d1, …], "data_offsets": [begin, end] }, … }
//   [rest]     the byte buffer: every tensor row-major, little-endian; offsets are relative
//              to the buffer's start, and the tensors tile it exactly (no gap, no overlap).
//
// Model files come from strangers, so the reader trusts nothing: every header value is
// checked against the file's real size before anything is allocated from it.

import { InputError } from '../errors.js';
import { Tensor, type Data, type DType } from '../tensor/tensor.js';
import { FORBIDDEN_KEYS } from './forbidden-keys.js';
import { readLittleEndian, writeLittleEndian } from './little-endian.js';

export type SafetensorsDType = 'F32' | 'F64';

export interface SafetensorsContents {
  /** Tensors in the order of their offsets in the file. */
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Map<string, string>;
}

/** The reference implementation's limit on the header: 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';
const ITEM_SIZE: Record<SafetensorsDType, number> = { F32: 4, F64: 8 };
/** Every dtype the format defines; the ones we do not read get a clearer message than "unknown". */
const OTHER_DTYPES = new Set(['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'I64', 'U64', 'F8_E5M2', 'F8_E4M3', 'F4', 'F6_E2M3', 'F6_E3M2', 'F8_E8M0', 'C64']);

function dtypeCode(dtype: DType): SafetensorsDType {
  return dtype === 'float64' ? 'F64' : 'F32';
}

/**
 * Serializes named tensors and string metadata. Tensors are laid out in the order given.
 */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, Tensor]>,
  metadata: Iterable<readonly [string, string]> = [],
): Uint8Array {
  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = {};
  let hasMetadata = false;
  for (const [key, value] of metadata) {
    if (FORBIDDEN_KEYS.has(key)) throw new Error(`safetensors: metadata key "${key}" is not allowed`);
    if (typeof value !== 'string') throw new Error(`safetensors: metadata "${key}" must be a string`);
    meta[key] = value;
    hasMetadata = true;
  }
  if (hasMetadata) header[METADATA_KEY] = meta;
  const entries: [string, Tensor][] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === METADATA_KEY || FORBIDDEN_KEYS.has(name)) throw new Error(`safetensors: tensor name "${name}" is not allowed`);
    if (Object.hasOwn(header, name)) throw new Error(`safetensors: tensor name "${name}" appears twice`);
    const byteLength = tensor.data.byteLength;
    header[name] = { dtype: dtypeCode(tensor.dtype), shape: [...tensor.shape], data_offsets: [offset, offset + byteLength] };
    entries.push([name, tensor]);
    offset += byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [, tensor] of entries) {
    writeLittleEndian(tensor.data, out, position);
    position += tensor.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a safetensors file; `source` (a file name) starts every error message.
 * Only F32 and F64 tensors are read.
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsContents {
  const fail = (problem: string): never => {
    throw new InputError(`${source}: ${problem}`);
  };
  if (bytes.length < 8) fail(`too short for a safetensors file (${bytes.length} bytes; the header length alone takes 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} is absurd (limit ${MAX_HEADER_BYTES} bytes)`);
  if (headerLength > bytes.length - 8) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow the length; truncated or not a safetensors file?)`);
  }
  if (headerLength < 2) fail(`header length ${headerLength} is too small for a JSON object`);
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) fail('header does not start with "{" (not a safetensors file?)');

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text, (key: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenKey) fail(`header contains the key "${error.key}", which is not allowed`);
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header must be a JSON object');

  const bufferLength = bytes.length - 8 - headerLength;
  const metadata = new Map<string, string>();
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as object)) {
    if (name === METADATA_KEY) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('"__metadata__" must be an object of strings');
      for (const [key, text] of Object.entries(value as object)) {
        if (typeof text !== 'string') fail(`"__metadata__" value "${key}" must be a string, got ${typeof text}`);
        metadata.set(key, text as string);
      }
      continue;
    }
    entries.push(checkEntry(name, value, bufferLength, fail));
  }

  // The tensors must tile the buffer: sorted by offset, each starts where the last ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (entry.begin < covered) {
      fail(`tensors "${previous!.name}" (bytes ${previous!.begin}..${previous!.end}) and "${entry.name}" (bytes ${entry.begin}..${entry.end}) overlap`);
    }
    if (entry.begin > covered) fail(`bytes ${covered}..${entry.begin} of the data buffer belong to no tensor`);
    covered = entry.end;
    previous = entry;
  }
  if (covered !== bufferLength) {
    fail(`bytes ${covered}..${bufferLength} of the data buffer belong to no tensor (tensors end at byte ${covered}, the buffer holds ${bufferLength})`);
  }

  const tensors = new Map<string, Tensor>();
  const dataStart = 8 + headerLength;
  for (const entry of entries) {
    const count = (entry.end - entry.begin) / ITEM_SIZE[entry.dtype];
    const data: Data = entry.dtype === 'F64' ? new Float64Array(count) : new Float32Array(count);
    readLittleEndian(bytes, dataStart + entry.begin, data);
    tensors.set(entry.name, new Tensor(data, entry.shape));
  }
  return { tensors, metadata };
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/** Checks one tensor's header entry against the buffer's real length; allocates nothing. */
function checkEntry(name: string, value: unknown, bufferLength: number, fail: (problem: string) => never): Entry {
  const where = `tensor "${name}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where}: entry must be an object`);
  const info = value as Record<string, unknown>;
  for (const key of Object.keys(info)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') fail(`${where}: unknown field "${key}"`);
  }
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`${where}: "dtype" must be a string`);
  if (dtype !== 'F32' && dtype !== 'F64') {
    fail(OTHER_DTYPES.has(dtype as string) ? `${where}: dtype ${dtype} is not supported (only F32 and F64)` : `${where}: unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape)) fail(`${where}: "shape" must be a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2) fail(`${where}: "data_offsets" must be [begin, end]`);
  const [begin, end] = offsets as unknown[];
  if (!isCount(begin) || !isCount(end) || (end as number) < (begin as number)) {
    fail(`${where}: "data_offsets" [${String(begin)}, ${String(end)}] must be whole numbers with begin ≤ end`);
  }
  if ((end as number) > bufferLength) {
    fail(`${where}: data_offsets [${begin}, ${end}] run past the end of the data buffer (${bufferLength} bytes)`);
  }
  const byteLength = (end as number) - (begin as number);
  const itemSize = ITEM_SIZE[dtype as SafetensorsDType];
  const dims = shape as unknown[];
  if (dims.length > 64) fail(`${where}: ${dims.length} dimensions is absurd`);
  let elements = 1;
  for (const dim of dims) {
    if (!isCount(dim)) fail(`${where}: shape [${dims.join(', ')}] must hold whole numbers ≥ 0`);
    elements *= dim as number;
  }
  // An absurd shape multiplies past 2^53 (or to Infinity): still only a number, never an allocation.
  const needed = elements * itemSize;
  if (needed !== byteLength) {
    const declared = Number.isSafeInteger(needed) ? `${needed} bytes` : 'an absurd number of bytes';
    fail(`${where}: ${dtype} × shape [${dims.join(', ')}] needs ${declared} but data_offsets [${begin}, ${end}] give ${byteLength}`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape: dims as number[], begin: begin as number, end: end as number };
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
