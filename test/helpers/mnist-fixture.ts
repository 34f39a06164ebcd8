// Small IDX data sets written by the tests themselves.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeIdx } from '../../src/data/idx.js';
import { MNIST_FILES } from '../../src/data/mnist-files.js';
import { Rng } from '../../src/tensor/rng.js';

const madeFolders: string[] = [];
// Each test file runs in its own process: its temporary folders go when it ends, pass or fail.
process.on('exit', () => {
  for (const folder of madeFolders) rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder under the OS temp folder, removed when this test process exits. */
export function tempFolder(prefix = 'scratchnet-test-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  madeFolders.push(folder);
  return folder;
}

/** A synthetic MNIST-shaped folder: `count` random h×w images per split, labels 0..classes−1. */
export function writeSyntheticMnist(dir: string, options: { train?: number; test?: number; size?: number; classes?: number; gzip?: boolean } = {}): string {
  const { train = 20, test = 10, size = 4, classes = 3, gzip = false } = options;
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(11);
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const [images, labels, count] of [
    [MNIST_FILES.trainImages, MNIST_FILES.trainLabels, train],
    [MNIST_FILES.testImages, MNIST_FILES.testLabels, test],
  ] as const) {
    write(images, writeIdx([count, size, size], Uint8Array.from({ length: count * size * size }, () => rng.int(256))));
    write(labels, writeIdx([count], Uint8Array.from({ length: count }, (_, i) => i % classes)));
  }
  return dir;
}
