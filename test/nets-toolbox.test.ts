// MultiLayerNet and SimpleConvNet: the book's names, specs that rebuild them from JSON, and
// float64 gradient checks of the whole nets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dropout } from '../src/layers/dropout.js';
import { MultiLayerNet, multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { SimpleConvNet, simpleConvSpec } from '../src/nets/simple-conv-net.js';
import { buildNet, type ModelSpec } from '../src/nets/spec.js';
import { Rng } from '../src/tensor/rng.js';
import { assertGradientsMatch, randomLabels, randomTensor } from './helpers/grad.js';

test('MultiLayerNet: the book’s layer order and names, with batch norm and dropout', () => {
  const net = new MultiLayerNet({ inputSize: 6, hiddenSizes: [5, 4], outputSize: 3, batchNorm: true, dropout: 0.2, rng: new Rng(1) });
  assert.deepEqual(net.layers.map((l) => l.constructor.name), ['Affine', 'BatchNorm', 'Relu', 'Dropout', 'Affine', 'BatchNorm', 'Relu', 'Dropout', 'Affine']);
  assert.deepEqual(net.params().map((p) => p.name), ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3']);
  assert.deepEqual(net.params().filter((p) => p.name.startsWith('W')).map((p) => p.value.shape), [[6, 5], [5, 4], [4, 3]]);
  assert.equal(net.spec.kind, 'mlp');
});

test('MultiLayerNet: He init for Relu and Xavier for Sigmoid by default (std √(2/n), √(1/n))', () => {
  const std = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((a, v) => a + v * v, 0) / values.length);
  const relu = new MultiLayerNet({ inputSize: 400, hiddenSizes: [300], outputSize: 10, rng: new Rng(2) });
  const sigmoid = new MultiLayerNet({ inputSize: 400, hiddenSizes: [300], outputSize: 10, activation: 'sigmoid', rng: new Rng(2) });
  const fixed = new MultiLayerNet({ inputSize: 400, hiddenSizes: [300], outputSize: 10, init: 0.01, rng: new Rng(2) });
  const close = (a: number, b: number) => Math.abs(a / b - 1) < 0.02;
  assert.ok(close(std(relu.params()[0]!.value.data), Math.sqrt(2 / 400)));
  assert.ok(close(std(relu.params()[2]!.value.data), Math.sqrt(2 / 300)));
  assert.ok(close(std(sigmoid.params()[0]!.value.data), Math.sqrt(1 / 400)));
  assert.ok(close(std(fixed.params()[0]!.value.data), 0.01));
});

test('gradient check: MultiLayerNet with sigmoid, batch norm, dropout (frozen mask) and weight decay', () => {
  const rng = new Rng(3);
  const net = new MultiLayerNet({
    inputSize: 5, hiddenSizes: [4, 4], outputSize: 3, activation: 'sigmoid',
    batchNorm: true, dropout: 0.3, weightDecay: 0.1, dtype: 'float64', rng: new Rng(4),
  });
  for (const p of net.params()) if (p.name.startsWith('gamma') || p.name.startsWith('beta')) rng.fillNormal(p.value.data, 1);
  const x = randomTensor([6, 5], rng);
  const t = randomLabels(6, 3, rng);
  net.loss(x, t, true);
  for (const layer of net.layers) if (layer.constructor.name === 'Dropout') (layer as Dropout).maskFrozen = true;
  assertGradientsMatch(net, x, t, { training: true, zero: ['b1', 'b2'] });
});

test('gradient check: MultiLayerNet with relu and He init (no batch norm)', () => {
  const rng = new Rng(5);
  const net = new MultiLayerNet({ inputSize: 7, hiddenSizes: [6, 5, 4], outputSize: 3, weightDecay: 0.05, dtype: 'float64', rng: new Rng(6) });
  assertGradientsMatch(net, randomTensor([5, 7], rng), randomLabels(5, 3, rng));
});

test('gradient check: SimpleConvNet (scaled down: 3 filters 3×3 on 1×9×9, hidden 6)', () => {
  const rng = new Rng(7);
  const net = new SimpleConvNet({ inputShape: [1, 9, 9], filters: 3, filterSize: 3, hiddenSize: 6, outputSize: 4, init: 0.3, weightDecay: 0.01, dtype: 'float64', rng: new Rng(8) });
  assert.deepEqual(net.params().map((p) => [p.name, p.value.shape]), [
    ['W1', [3, 1, 3, 3]], ['b1', [3]], ['W2', [3 * 3 * 3, 6]], ['b2', [6]], ['W3', [6, 4]], ['b3', [4]],
  ]);
  assertGradientsMatch(net, randomTensor([3, 1, 9, 9], rng), randomLabels(3, 4, rng));
});

test('SimpleConvNet defaults are the book’s: 30 filters 5×5, pool 2×2, Affine 100, Affine 10 on 1×28×28', () => {
  const net = new SimpleConvNet({ rng: new Rng(9) });
  assert.deepEqual(net.params().map((p) => p.value.shape), [[30, 1, 5, 5], [30], [30 * 12 * 12, 100], [100], [100, 10], [10]]);
  assert.deepEqual(net.spec, simpleConvSpec());
});

test('a spec written to JSON and read back builds the same net (same seed, same outputs)', () => {
  const specs: ModelSpec[] = [
    simpleConvSpec({ filters: 4, hiddenSize: 8 }),
    multiLayerSpec({ inputSize: 784, hiddenSizes: [16, 16], outputSize: 10, batchNorm: true, dropout: 0.5 }),
  ];
  for (const spec of specs) {
    const a = buildNet(spec, { rng: new Rng(10), init: 'he' });
    const b = buildNet(JSON.parse(JSON.stringify(spec)) as ModelSpec, { rng: new Rng(10), init: 'he' });
    const x = randomTensor([2, ...spec.inputShape], new Rng(11)).as('float32');
    assert.deepEqual([...b.predict(x).data], [...a.predict(x).data]);
    assert.deepEqual(b.params().map((p) => p.name), a.params().map((p) => p.name));
  }
});

test('accuracy of a conv net is evaluated in bounded chunks and equals the one-row-at-a-time answer', () => {
  const net = new SimpleConvNet({ filters: 4, hiddenSize: 8, rng: new Rng(12), init: 'he' });
  const rng = new Rng(13);
  const x = randomTensor([30, 1, 28, 28], rng).as('float32');
  const t = randomLabels(30, 10, rng);
  assert.equal(net.accuracy(x, t), net.accuracy(x, t, 1));
  assert.equal(net.accuracy(x, t), net.accuracy(x, t, 7));
});
