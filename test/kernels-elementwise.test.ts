// Every element-wise kernel of every backend against the portable one, on widths that are
// and are not multiples of the 4-lane vectors, with uint8 and int32 labels.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import type { LabelIndices } from '../src/tensor/kernels/kernels.js';
import { assertClose, type Backend, backendsUnderTest, randomFill } from './helpers/kernels-backends.js';

const js = createJsKernels();
const SHAPES: [rows: number, cols: number][] = [
  [1, 1],
  [3, 7],
  [100, 50],
  [100, 10],
  [17, 33],
];

function randomArray(backend: Backend, length: number, seed: number): Float32Array {
  const data = backend.float32(length);
  randomFill(data, seed);
  return data;
}

function labelsFor(rows: number, cols: number, wide: boolean): LabelIndices {
  const labels = wide ? new Int32Array(rows) : new Uint8Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = (i * 7 + 3) % cols;
  return labels;
}

describe('element-wise kernels on every backend', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('addBias, sumRows, relu, reluBackward give the portable kernel\'s bits; axpy agrees to float32 rounding', () => {
    for (const backend of backends) {
      const k = backend.kernels;
      for (const [rows, cols] of SHAPES) {
        const what = `${backend.label} ${rows}×${cols}`;
        const x = randomArray(backend, rows * cols, rows + cols);
        const bias = randomArray(backend, cols, cols);
        const out = backend.float32(rows * cols);
        const expected = new Float32Array(rows * cols);
        k.addBias(x, bias, out, rows, cols);
        js.addBias(x, bias, expected, rows, cols);
        assert.deepEqual(out, expected, `addBias ${what}`);

        const sums = backend.float32(cols);
        const expectedSums = new Float32Array(cols);
        k.sumRows(x, sums, rows, cols);
        js.sumRows(x, expectedSums, rows, cols);
        assert.deepEqual(sums, expectedSums, `sumRows ${what}`);

        x[0] = NaN;
        x[rows * cols - 1] = -0;
        const y = backend.float32(rows * cols);
        const expectedY = new Float32Array(rows * cols);
        k.relu(x, y);
        js.relu(x, expectedY);
        assert.deepEqual(y, expectedY, `relu ${what}`);

        const dout = randomArray(backend, rows * cols, 5);
        const dx = backend.float32(rows * cols);
        const expectedDx = new Float32Array(rows * cols);
        k.reluBackward(dout, y, dx);
        js.reluBackward(dout, y, expectedDx);
        assert.deepEqual(dx, expectedDx, `reluBackward ${what}`);

        const weights = randomArray(backend, rows * cols, 9);
        const expectedWeights = Float32Array.from(weights);
        k.axpy(-0.1, dout, weights);
        js.axpy(-0.1, dout, expectedWeights);
        // float32 multiply-add (and alpha rounded to float32) vs one rounding from float64
        assertClose(weights, expectedWeights, 3e-7, `axpy ${what}`);
      }
    }
  });

  it('relu in place and reluBackward into its own buffer', () => {
    for (const backend of backends) {
      const x = randomArray(backend, 37, 1);
      const expected = new Float32Array(37);
      js.relu(x, expected);
      backend.kernels.relu(x, x);
      assert.deepEqual(x, expected, backend.label);
    }
  });

  it('softmaxCrossEntropy (+Backward) match the portable kernel within float tolerance', () => {
    for (const backend of backends) {
      const k = backend.kernels;
      for (const [rows, cols] of SHAPES) {
        for (const wide of [false, true]) {
          const what = `${backend.label} ${rows}×${cols} ${wide ? 'int32' : 'uint8'} labels`;
          const logits = randomArray(backend, rows * cols, rows * cols);
          for (let i = 0; i < logits.length; i += 5) logits[i]! *= 40; // large logits: the max shift matters
          const labels = labelsFor(rows, cols, wide);
          const probs = backend.float32(rows * cols);
          const expectedProbs = new Float32Array(rows * cols);
          const loss = k.softmaxCrossEntropy(logits, labels, probs, rows, cols);
          const expectedLoss = js.softmaxCrossEntropy(logits, labels, expectedProbs, rows, cols);
          assert.ok(Math.abs(loss - expectedLoss) <= 1e-9 * Math.max(1, Math.abs(expectedLoss)), `loss ${what}: ${loss} vs ${expectedLoss}`);
          assertClose(probs, expectedProbs, 1e-6, `probs ${what}`);

          const dx = backend.float32(rows * cols);
          const expectedDx = new Float32Array(rows * cols);
          k.softmaxCrossEntropyBackward(probs, labels, dx, rows, cols, 1 / rows);
          js.softmaxCrossEntropyBackward(probs, labels, expectedDx, rows, cols, 1 / rows);
          assert.deepEqual(dx, expectedDx, `softmax backward ${what}`);
        }
      }
    }
  });

  it('countCorrect: first maximum wins, either label type', () => {
    for (const backend of backends) {
      const scores = backend.float32(4 * 3);
      scores.set([1, 5, 5, /**/ 0, 0, 0, /**/ -1, -2, -0.5, /**/ 2, 1, 3]);
      for (const wide of [false, true]) {
        const labels = wide ? Int32Array.from([1, 0, 2, 2]) : Uint8Array.from([2, 0, 2, 0]);
        assert.equal(backend.kernels.countCorrect(scores, labels, 4, 3), js.countCorrect(scores, labels, 4, 3), backend.label);
      }
      assert.equal(backend.kernels.countCorrect(scores, Int32Array.from([1, 0, 2, 2]), 4, 3), 4, backend.label);
      const many = randomArray(backend, 1000 * 10, 3);
      const labels = labelsFor(1000, 10, false);
      assert.equal(backend.kernels.countCorrect(many, labels, 1000, 10), js.countCorrect(many, labels, 1000, 10), backend.label);
    }
  });

  it('gatherRows copies the indexed rows and refuses an index past the end', () => {
    for (const backend of backends) {
      const src = randomArray(backend, 50 * 9, 4);
      const rows = Int32Array.from([49, 0, 7, 7, 12]);
      const dst = backend.float32(5 * 9);
      const expected = new Float32Array(5 * 9);
      backend.kernels.gatherRows(src, rows, dst, 9);
      js.gatherRows(src, rows, expected, 9);
      assert.deepEqual(dst, expected, backend.label);
      assert.deepEqual([...dst.subarray(0, 9)], [...src.subarray(49 * 9)], backend.label);
      if (backend.label !== 'js') assert.throws(() => backend.kernels.gatherRows(src, Int32Array.from([50]), dst, 9), /row 50 is outside 0..49/);
    }
  });

  it('arrays outside the backend memory and float64 arrays give the same results', () => {
    for (const backend of backends) {
      const x = new Float64Array(12);
      randomFill(x, 8);
      const out = new Float64Array(12);
      const expected = new Float64Array(12);
      backend.kernels.addBias(x, Float64Array.from([1, 2, 3]), out, 4, 3);
      js.addBias(x, Float64Array.from([1, 2, 3]), expected, 4, 3);
      assert.deepEqual(out, expected, backend.label);
      const foreign = Float32Array.from(x);
      const y = new Float32Array(12);
      backend.kernels.relu(foreign, y);
      const expectedY = new Float32Array(12);
      js.relu(foreign, expectedY);
      assert.deepEqual(y, expectedY, backend.label);
    }
  });
});
