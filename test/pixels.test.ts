// Images kept as bytes: the gatherPixelRows kernel on every backend (every byte value gives
// Math.fround(byte / 255), as the float sets always held), and datasets that keep their
// pixels as bytes, read through image-rows.ts, against the same set held as floats.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { datasetFrom, imageCount, pixelDataset, sampleShapeOf, toDataset } from '../src/data/dataset.js';
import { gatherImages, imageRows } from '../src/data/image-rows.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { Rng } from '../src/tensor/rng.js';
import { DatasetAccuracy } from '../src/train/dataset-accuracy.js';
import { backendsUnderTest, type Backend } from './helpers/kernels-backends.js';

/** `length` bytes living where the backend's kernels read them in place. */
function bytesIn(backend: Backend, length: number): Uint8Array {
  const storage = backend.float32(Math.ceil(length / 4));
  return new Uint8Array(storage.buffer, storage.byteOffset, length);
}

function patternBytes(into: Uint8Array, seed: number): Uint8Array {
  for (let i = 0; i < into.length; i++) into[i] = (i * 37 + seed * 11 + ((i * i) >> 3)) & 255;
  return into;
}

describe('gatherPixelRows on every backend', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('gives byte / 255 rounded to float32 for all 256 byte values, on rows of any width', () => {
    for (const backend of backends) {
      // Every byte value somewhere across the rows; at least 300 rows (the wasm kernel
      // touches and converts them in groups of 128).
      for (const width of [1, 5, 16, 17, 31, 256, 784]) {
        const count = Math.max(Math.ceil(256 / width) + 3, 300);
        const src = bytesIn(backend, count * width);
        for (let i = 0; i < src.length; i++) src[i] = (i * 7) & 255;
        const rows = Int32Array.from({ length: count }, (_, b) => (b * 5) % count);
        const dst = backend.float32(count * width);
        backend.kernels.gatherPixelRows(src, rows, dst, width);
        for (let b = 0; b < count; b++) {
          for (let j = 0; j < width; j++) {
            const byte = src[rows[b]! * width + j]!;
            if (dst[b * width + j] !== Math.fround(byte / 255)) assert.fail(`${backend.label} width ${width}: row ${b}, [${j}] = ${dst[b * width + j]} for byte ${byte}`);
          }
        }
      }
    }
  });

  it('refuses a row past the end, naming it', () => {
    for (const backend of backends) {
      const src = patternBytes(bytesIn(backend, 10 * 8), 1);
      const dst = backend.float32(2 * 8);
      assert.throws(() => backend.kernels.gatherPixelRows(src, Int32Array.from([3, 10]), dst, 8), /gatherPixelRows: row 10 is outside 0\.\.9/, backend.label);
    }
  });

  it('reads bytes outside the backend memory too (through the portable kernel)', () => {
    const js = createJsKernels();
    for (const backend of backends) {
      const src = patternBytes(new Uint8Array(6 * 20), 2);
      const rows = Int32Array.from([5, 0, 2]);
      const dst = backend.float32(3 * 20);
      const expected = new Float32Array(3 * 20);
      backend.kernels.gatherPixelRows(src, rows, dst, 20);
      js.gatherPixelRows(src, rows, expected, 20);
      assert.deepEqual(dst, expected, backend.label);
    }
  });
});

describe('a dataset that keeps its pixels as bytes', () => {
  const count = 2500;
  const width = 12;
  const bytes = patternBytes(new Uint8Array(count * width), 3);
  // Most pixels zero, as in MNIST, so the sparse products run as they do on real images.
  for (let i = 0; i < bytes.length; i++) if (i % 5 !== 0) bytes[i] = 0;
  const labels = Uint8Array.from({ length: count }, (_, i) => (bytes[i * width]! + i) % 3);
  const floats = Float32Array.from(bytes, (byte) => byte / 255);

  it('has the float set\'s count, shape and (made on first use) images', () => {
    for (const keepShape of [false, true]) {
      const dims = [count, 3, 4];
      const pixels = pixelDataset(dims, bytes, labels, { keepShape });
      const reference = datasetFrom(dims, floats, labels, { keepShape });
      assert.equal(imageCount(pixels), count);
      assert.deepEqual(sampleShapeOf(pixels), keepShape ? [1, 3, 4] : [12]);
      assert.deepEqual(sampleShapeOf(pixels), sampleShapeOf(reference));
      assert.deepEqual(pixels.images.shape, reference.images.shape);
      assert.deepEqual(pixels.images.data, reference.images.data);
      assert.equal(pixels.images, pixels.images, 'made once, then kept');
    }
    assert.throws(() => pixelDataset([count, 12], bytes.subarray(1), labels), /pixelDataset: 29999 bytes for 2500 images of 12/);
  });

  it('gives the float set\'s rows, minibatches and accuracy', () => {
    const pixels = pixelDataset([count, width], bytes, labels);
    const reference = datasetFrom([count, width], floats, labels);
    const chunk = imageRows(pixels, 1000, 1700);
    assert.deepEqual(chunk.shape, [700, width]);
    assert.deepEqual(chunk.data, reference.images.sliceRows(1000, 1700).data);
    assert.deepEqual(imageRows(pixels, 3, 5, chunk).data, reference.images.sliceRows(3, 5).data, 'reusing the previous chunk\'s storage');
    assert.throws(() => imageRows(pixels, 2400, 2501), /imageRows: rows 2400\.\.2501 are outside 0\.\.2500/);

    const rows = Int32Array.from([2499, 0, 17, 17]);
    const a = new Float32Array(4 * width);
    const b = new Float32Array(4 * width);
    gatherImages(pixels, rows, a);
    gatherImages(reference, rows, b);
    assert.deepEqual(a, b);

    const net = new MultiLayerNet({ inputSize: width, hiddenSizes: [6], outputSize: 3, rng: new Rng(2), init: 'he' });
    const accuracy = new DatasetAccuracy(net);
    const expected = net.accuracy(reference.images, labels);
    assert.ok(expected > 0.2 && expected < 0.9, `a net that gets some right: ${expected}`);
    assert.equal(accuracy.of(pixels), expected);
    assert.equal(accuracy.of(reference), expected);
    assert.equal(accuracy.of(pixels, 1500), net.accuracy(reference.images.sliceRows(0, 1500), labels.subarray(0, 1500)));
  });

  it('is what toDataset makes of IDX data', () => {
    const set = toDataset({
      images: { dims: [count, 3, 4], data: bytes },
      labels: { dims: [count], data: labels },
      imagesName: 'images.idx',
      labelsName: 'labels.idx',
    });
    assert.deepEqual(set.pixels, bytes);
    assert.notEqual(set.pixels, bytes, 'a copy, not the parsed file\'s bytes');
    assert.deepEqual(set.images.data, floats);
  });
});
