// Node-only: an IDX file read in two steps: its header when opened (so that every file's
// dimensions can be checked before any data is read), then its data straight into the
// caller's array (the dataset's own bytes: one copy from the page cache, no buffer between).
// A gzipped file is decompressed whole when opened.

import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { IDX_MAX_HEADER_BYTES, parseIdxHeader } from './idx.js';

export interface IdxFile {
  readonly path: string;
  readonly dims: readonly number[];
  /** The header's bytes (decompressed), for a checksum of the whole content. */
  readonly header: Uint8Array;
  /** The open file's status (nanosecond times), for the checksum cache. */
  readonly stats: BigIntStats;
  readonly gzipped: boolean;
  /** Number of data bytes after the header. */
  readonly dataBytes: number;
  /** Reads the data (everything after the header) into `into`, which holds exactly dataBytes. */
  readInto(into: Uint8Array): void;
  close(): void;
}

export function openIdxFile(path: string): IdxFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    if (stats.isDirectory()) throw new InputError(`${path}: is a folder, not a file`);
    const size = Number(stats.size);
    const start = readAt(fd, path, new Uint8Array(Math.min(size, IDX_MAX_HEADER_BYTES)), 0);
    if (start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b) return gzippedFile(fd, path, stats, size);
    const { dims, headerLength } = parseIdxHeader(start, size, path);
    const header = start.slice(0, headerLength);
    return {
      path, dims, header, stats, gzipped: false, dataBytes: size - headerLength,
      readInto(into) {
        checkRoom(path, into, size - headerLength);
        if (readAt(fd, path, into, headerLength).length < into.length) throw new InputError(`${path}: file shrank while being read`);
      },
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function gzippedFile(fd: number, path: string, stats: BigIntStats, size: number): IdxFile {
  const compressed = readAt(fd, path, new Uint8Array(size), 0);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(compressed));
  } catch (error) {
    throw new InputError(`${path}: gzip data is corrupt (${(error as Error).message})`);
  }
  const { dims, headerLength } = parseIdxHeader(bytes, bytes.length, path);
  return {
    path, dims, header: bytes.subarray(0, headerLength), stats, gzipped: true, dataBytes: bytes.length - headerLength,
    readInto(into) {
      checkRoom(path, into, bytes.length - headerLength);
      into.set(bytes.subarray(headerLength));
    },
    close: () => closeSync(fd),
  };
}

function checkRoom(path: string, into: Uint8Array, dataBytes: number): void {
  if (into.length !== dataBytes) throw new RangeError(`${path}: ${dataBytes} data bytes do not fit an array of ${into.length}`);
}

/** Fills `into` from `position` as far as the file goes; returns the part filled. */
function readAt(fd: number, path: string, into: Uint8Array, position: number): Uint8Array {
  let filled = 0;
  try {
    while (filled < into.length) {
      const n = readSync(fd, into, filled, into.length - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
  } catch (error) {
    throw fileError(path, error);
  }
  return into.subarray(0, filled);
}

function fileError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError(`${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`);
}
