// A short CNN run on real MNIST (a subset): it must learn, not just run.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import { buildNet } from '../src/nets/spec.js';
import { createOptimizer } from '../src/optim/factory.js';
import { Rng } from '../src/tensor/rng.js';
import { train } from '../src/train/trainer.js';

test('conv 8×5×5 → relu → max pool → affine, Adam, 2 epochs on 3000 MNIST images: test accuracy > 0.88 on 1000', () => {
  const data = loadMnistPackage({ keepShape: true });
  const subset = (set: typeof data.train, n: number) => ({ images: set.images.sliceRows(0, n), labels: set.labels.subarray(0, n) });
  assert.deepEqual(data.train.images.shape.slice(1), [1, 28, 28]);
  const rng = new Rng(1);
  const net = buildNet(
    { kind: 'cnn', inputShape: [1, 28, 28], layers: [{ type: 'conv', filters: 8, size: 5 }, { type: 'relu' }, { type: 'maxpool', size: 2 }, { type: 'affine', units: 10 }] },
    { rng, init: 'he' },
  );
  const result = train(net, createOptimizer('adam', { lr: 0.005 }), { train: subset(data.train, 3000), test: subset(data.test, 1000) }, rng, {
    epochs: 2,
    batchSize: 50,
    evalSamples: 100,
  });
  // Chance is 0.1; this net and schedule reach ≈0.92 here.
  assert.ok(result.final.testAccuracy > 0.88, `test accuracy ${result.final.testAccuracy}`);
  assert.ok(result.loss[result.loss.length - 1]! < result.loss[0]! / 3, 'the loss fell');
});
