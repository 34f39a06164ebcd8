import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { createOptimizer } from '../src/optim/factory.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { BatchSampler, train, type Evaluation } from '../src/train/trainer.js';

/** Two Gaussian blobs per class in 4-D: learnable, so accuracy must rise. */
function blobs(count: number, rng: Rng): Dataset {
  const images = Tensor.zeros([count, 4]);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels[i] = label;
    for (let j = 0; j < 4; j++) images.data[i * 4 + j] = (j === label ? 2 : 0) + 0.5 * rng.normal();
  }
  return { images, labels };
}

test('epochs mode: ⌈N/batch⌉ iterations per epoch, an evaluation and an epoch-end event after each, the last one final', () => {
  const rng = new Rng(1);
  const data = { train: blobs(95, rng), test: blobs(30, rng) };
  const net = new MultiLayerNet({ inputSize: 4, hiddenSizes: [8], outputSize: 3, rng: new Rng(2) });
  const epochEnds: [number, Evaluation | undefined][] = [];
  let batches = 0;
  const result = train(net, createOptimizer('adam', { lr: 0.05 }), data, rng, { epochs: 3, batchSize: 10 }, {
    onIteration: () => batches++,
    onEpochEnd: (epoch, evaluation) => epochEnds.push([epoch, evaluation]),
  });
  assert.equal(batches, 30);
  assert.equal(result.loss.length, 30);
  assert.deepEqual(result.evaluations.map((e) => [e.epoch, e.iteration]), [[1, 10], [2, 20], [3, 30]]);
  assert.deepEqual(epochEnds.map(([epoch, evaluation]) => [epoch, evaluation?.iteration]), [[1, 10], [2, 20], [3, 30]]);
  const last = result.evaluations.at(-1)!;
  assert.deepEqual(result.final, { trainAccuracy: last.trainAccuracy, testAccuracy: last.testAccuracy });
  assert.ok(result.final.testAccuracy > 0.8, `blobs are separable; got ${result.final.testAccuracy}`);
});

test('epochs mode: evalAtStart adds epoch 0; evalSamples limits all but the final evaluation', () => {
  const rng = new Rng(3);
  const data = { train: blobs(60, rng), test: blobs(40, rng) };
  const net = new MultiLayerNet({ inputSize: 4, hiddenSizes: [8], outputSize: 3, rng: new Rng(4) });
  const rowsSeen: number[] = [];
  // Evaluations predict without training mode, one chunk per set here (a chunk holds 1000 rows).
  const predict = net.predict.bind(net);
  net.predict = (x, training) => {
    if (!training) rowsSeen.push(x.rows);
    return predict(x, training);
  };
  const result = train(net, createOptimizer('sgd', { lr: 0.1 }), data, rng, { epochs: 2, batchSize: 20, evalAtStart: true, evalSamples: 15 });
  assert.deepEqual(result.evaluations.map((e) => e.epoch), [0, 1, 2]);
  assert.deepEqual(rowsSeen, [15, 15, 15, 15, 60, 40]);
});

test('iterations mode is unchanged: evaluations at 0 and every evalEvery, a separate final one, epoch ends without evaluations', () => {
  const rng = new Rng(5);
  const data = { train: blobs(50, rng), test: blobs(20, rng) };
  const net = new MultiLayerNet({ inputSize: 4, hiddenSizes: [8], outputSize: 3, rng: new Rng(6) });
  const epochEnds: [number, Evaluation | undefined][] = [];
  const result = train(net, createOptimizer('sgd', { lr: 0.1 }), data, rng, { iterations: 12, batchSize: 20, evalEvery: 5 }, {
    onEpochEnd: (epoch, evaluation) => epochEnds.push([epoch, evaluation]),
  });
  assert.deepEqual(result.evaluations.map((e) => [e.iteration, e.epoch]), [[0, 0], [5, 2], [10, 4]]);
  assert.deepEqual(epochEnds.map(([epoch, evaluation]) => [epoch, evaluation]), [[1, undefined], [2, undefined], [3, undefined], [4, undefined]]);
  assert.throws(() => train(net, createOptimizer('sgd'), data, rng, { batchSize: 20 }), /either iterations or epochs/);
  assert.throws(() => train(net, createOptimizer('sgd'), data, rng, { batchSize: 20, iterations: 2, epochs: 1 }), /either iterations or epochs/);
});

test("'shuffle' sampling visits every example exactly once per epoch, in a different order each epoch", () => {
  const count = 30;
  const set: Dataset = { images: Tensor.zeros([count, 2]), labels: Uint8Array.from({ length: count }, (_, i) => i) };
  const sampler = new BatchSampler(set, 10, 'shuffle', new Rng(7));
  const epochs = [0, 1].map(() => [0, 1, 2].flatMap(() => [...sampler.next().t]));
  for (const order of epochs) assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i));
  assert.notDeepEqual(epochs[0], epochs[1]);
});
