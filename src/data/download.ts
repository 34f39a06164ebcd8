// Node-only: fetch the four MNIST .gz files from a mirror into a cache folder, verify
// each against the known checksums, and reuse the cache next time.

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { ChecksumCache, scratchnetCacheFolder } from './checksum-cache.js';
import type { DatasetOptions, ImageData } from './dataset.js';
import { loadMnistFolder, maybeGunzip, md5, MNIST_FILES, MNIST_MD5 } from './mnist-files.js';

export const DEFAULT_MIRROR = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

export function defaultCacheFolder(): string {
  return join(scratchnetCacheFolder(), 'mnist');
}

export interface DownloadProgress {
  file: string;
  received: number;
  /** From Content-Length; undefined when the server does not say. */
  total: number | undefined;
  /** True for a file found (and verified) in the cache. */
  cached: boolean;
}

export interface DownloadOptions extends DatasetOptions {
  baseUrl?: string;
  cacheDir?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Makes sure the four files are in the cache (downloading what is missing), then loads them. */
export async function downloadMnist(options: DownloadOptions = {}): Promise<ImageData> {
  const baseUrl = (options.baseUrl ?? DEFAULT_MIRROR).replace(/\/?$/, '/');
  const cacheDir = options.cacheDir ?? defaultCacheFolder();
  try {
    new URL(baseUrl);
  } catch {
    throw new InputError(`--download ${baseUrl}: not a valid URL`);
  }
  mkdirSync(cacheDir, { recursive: true });
  // Verdicts on the cached files, beside them: each is decompressed and hashed once, not every run.
  const checksums = new ChecksumCache(cacheDir);
  for (const name of Object.values(MNIST_FILES)) {
    const path = join(cacheDir, `${name}.gz`);
    if (existsSync(path) && cachedFileIsGood(path, name, checksums)) {
      options.onProgress?.({ file: name, received: 0, total: 0, cached: true });
      continue;
    }
    const url = new URL(`${name}.gz`, baseUrl).href;
    const bytes = await fetchBytes(url, (received, total) => options.onProgress?.({ file: name, received, total, cached: false }));
    if (!verified(bytes, url, name)) {
      throw new InputError(`${url}: checksum mismatch (MD5 of the data is ${md5(maybeGunzip(bytes, url))}, MNIST's is ${MNIST_MD5[name]})`);
    }
    const part = `${path}.${process.pid}.part`;
    writeFileSync(part, bytes);
    renameSync(part, path);
    checksums.remember(path, statSync(path, { bigint: true }), MNIST_MD5[name]!);
  }
  const data = loadMnistFolder(cacheDir, options);
  return { ...data, source: `${baseUrl} (cached in ${cacheDir})` };
}

function cachedFileIsGood(path: string, name: string, checksums: ChecksumCache): boolean {
  const stats = statSync(path, { bigint: true });
  const known = checksums.md5(path, stats);
  if (known !== undefined) return known === MNIST_MD5[name];
  if (!verified(readFileSync(path), path, name)) return false;
  checksums.remember(path, stats, MNIST_MD5[name]!);
  return true;
}

function verified(bytes: Uint8Array, source: string, name: string): boolean {
  try {
    return md5(maybeGunzip(bytes, source)) === MNIST_MD5[name];
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

async function fetchBytes(url: string, onProgress: (received: number, total: number | undefined) => void): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InputError(`${url}: download failed (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  if (!response.ok || !response.body) throw new InputError(`${url}: download failed (HTTP ${response.status} ${response.statusText})`);
  const header = response.headers.get('content-length');
  const total = header === null ? undefined : Number(header);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(received, total);
    }
  } catch (error) {
    throw new InputError(`${url}: download interrupted after ${received} bytes (${(error as Error).message})`);
  }
  if (total !== undefined && received !== total) throw new InputError(`${url}: download ended after ${received} of ${total} bytes`);
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
