// Chapter 6–7 layers: gradient checks in float64 through small nets, and each layer's modes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchNorm, BATCH_NORM_EPSILON } from '../src/layers/batch-norm.js';
import { Dropout } from '../src/layers/dropout.js';
import { Pooling } from '../src/layers/pooling.js';
import { buildNet, type ModelSpec } from '../src/nets/spec.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { assertGradientsMatch, randomLabels, randomTensor } from './helpers/grad.js';

function net64(spec: ModelSpec, seed = 1, weightDecay = 0) {
  return buildNet(spec, { rng: new Rng(seed), dtype: 'float64', init: 0.5, weightDecay });
}

test('gradient check: convolution with stride 2 and pad 1 feeding a convolution with pad 1', () => {
  const rng = new Rng(2);
  const net = net64({
    kind: 'custom',
    inputShape: [2, 7, 6],
    layers: [
      { type: 'conv', filters: 3, size: 3, stride: 2, pad: 1 },
      { type: 'conv', filters: 2, size: 2, stride: 1, pad: 1 },
      { type: 'affine', units: 4 },
    ],
  });
  assert.deepEqual(net.params().map((p) => p.name), ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
  assert.deepEqual(net.params()[0]!.value.shape, [3, 2, 3, 3]);
  assertGradientsMatch(net, randomTensor([3, 2, 7, 6], rng), randomLabels(3, 4, rng));
});

test('gradient check: max pooling 2×2 stride 2 (even and odd inputs), and overlapping 3×3 stride 2 pad 1, after a convolution', () => {
  // pad 1 keeps 8×8; pad 0 gives 6×6; size 7 input with pad 0 gives an odd 5×5 that 2×2 windows do not cover.
  for (const [pool, size, pad] of [[{ type: 'maxpool', size: 2 }, 8, 1], [{ type: 'maxpool', size: 2 }, 7, 0], [{ type: 'maxpool', size: 3, stride: 2, pad: 1 }, 8, 0]] as const) {
    const rng = new Rng(3);
    const net = net64({
      kind: 'custom',
      inputShape: [1, size, size],
      layers: [{ type: 'conv', filters: 2, size: 3, pad }, pool, { type: 'relu' }, { type: 'affine', units: 3 }],
    });
    assertGradientsMatch(net, randomTensor([2, 1, size, size], rng), randomLabels(2, 3, rng));
  }
});

test('gradient check: batch norm in training mode, on N×D and on N×C×H×W (per channel); book names gamma1, beta1', () => {
  const rng = new Rng(4);
  const dense = net64({
    kind: 'custom',
    inputShape: [5],
    layers: [{ type: 'affine', units: 4 }, { type: 'batchnorm' }, { type: 'sigmoid' }, { type: 'affine', units: 3 }, { type: 'batchnorm' }],
  });
  assert.deepEqual(dense.params().map((p) => p.name), ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2']);
  assert.deepEqual(dense.buffers().map((b) => b.name), ['runningMean1', 'runningVar1', 'runningMean2', 'runningVar2']);
  // Non-trivial γ and β, so their gradients are not the identity case.
  for (const p of dense.params()) if (p.name.startsWith('gamma') || p.name.startsWith('beta')) rng.fillNormal(p.value.data, 1);
  // NOTE: b1 and b2 feed BatchNorm, which subtracts the batch mean: their true gradient is zero.
  assertGradientsMatch(dense, randomTensor([6, 5], rng), randomLabels(6, 3, rng), { training: true, zero: ['b1', 'b2'] });

  const conv = net64({
    kind: 'custom',
    inputShape: [2, 5, 5],
    layers: [{ type: 'conv', filters: 3, size: 3 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'affine', units: 3 }],
  });
  assert.deepEqual(conv.params()[2]!.value.shape, [3], 'one γ per channel');
  for (const p of conv.params()) if (p.name === 'gamma1' || p.name === 'beta1') rng.fillNormal(p.value.data, 1);
  assertGradientsMatch(conv, randomTensor([4, 2, 5, 5], rng), randomLabels(4, 3, rng), { training: true, zero: ['b1'] });
});

test('gradient check: dropout in training mode with a frozen mask', () => {
  const rng = new Rng(5);
  const net = net64({
    kind: 'custom',
    inputShape: [6],
    layers: [{ type: 'affine', units: 8 }, { type: 'sigmoid' }, { type: 'dropout', ratio: 0.4 }, { type: 'affine', units: 3 }],
  });
  const dropout = net.layers[2] as Dropout;
  const x = randomTensor([4, 6], rng);
  const t = randomLabels(4, 3, rng);
  net.loss(x, t, true);
  dropout.maskFrozen = true;
  // With the mask frozen, training-mode loss is one function of the weights, and differs from inference.
  assert.equal(net.loss(x, t, true), net.loss(x, t, true));
  assert.notEqual(net.loss(x, t, true), net.loss(x, t, false));
  assertGradientsMatch(net, x, t, { training: true });
});

test('gradient check: L2 weight decay adds ½λΣW² over W1, W2 (not biases, not γ/β) and λW to their gradients', () => {
  const rng = new Rng(6);
  const spec: ModelSpec = {
    kind: 'custom',
    inputShape: [1, 5, 5],
    layers: [{ type: 'conv', filters: 2, size: 3 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'affine', units: 3 }],
  };
  const lambda = 0.3;
  const plain = net64(spec, 9);
  const decayed = net64(spec, 9, lambda);
  const x = randomTensor([3, 1, 5, 5], rng);
  const t = randomLabels(3, 3, rng);
  for (const net of [plain, decayed]) for (const p of net.params()) if (p.name.startsWith('b')) rng.fillNormal(p.value.data, 1);
  decayed.params().forEach((p, i) => p.value.data.set(plain.params()[i]!.value.data));
  let sumSquares = 0;
  for (const p of plain.params()) if (p.name === 'W1' || p.name === 'W2') for (const w of p.value.data) sumSquares += w * w;
  const difference = decayed.loss(x, t) - plain.loss(x, t);
  assert.ok(Math.abs(difference - 0.5 * lambda * sumSquares) < 1e-12, `${difference} vs ${0.5 * lambda * sumSquares}`);
  assertGradientsMatch(decayed, x, t, { training: true, zero: ['b1'] });
});

test('batch norm: running statistics follow momentum; inference normalizes with them, not with the batch', () => {
  const rng = new Rng(7);
  const gamma = Tensor.from([2, 0.5], [2], 'float64');
  const beta = Tensor.from([1, -1], [2], 'float64');
  const bn = new BatchNorm(gamma, beta, 0.8);
  const x = randomTensor([3, 2, 2, 2], rng, 3);
  bn.forward(x, true);
  const stats = [0, 1].map((c) => {
    const values: number[] = [];
    for (let n = 0; n < 3; n++) for (let s = 0; s < 4; s++) values.push(x.data[(n * 2 + c) * 4 + s]!);
    const mean = values.reduce((a, b) => a + b) / values.length;
    return { mean, variance: values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length };
  });
  stats.forEach(({ mean, variance }, c) => {
    assert.ok(Math.abs(bn.runningMean.data[c]! - 0.2 * mean) < 1e-12);
    assert.ok(Math.abs(bn.runningVar.data[c]! - (0.8 * 1 + 0.2 * variance)) < 1e-12);
  });
  const probe = randomTensor([2, 2, 2, 2], rng);
  const out = bn.forward(probe, false);
  for (let i = 0; i < probe.size; i++) {
    const c = Math.floor(i / 4) % 2;
    const expected = gamma.data[c]! * (probe.data[i]! - bn.runningMean.data[c]!) / Math.sqrt(bn.runningVar.data[c]! + BATCH_NORM_EPSILON) + beta.data[c]!;
    assert.ok(Math.abs(out.data[i]! - expected) < 1e-12, `value ${i}`);
  }
  // Inference leaves the running statistics alone.
  const before = [...bn.runningMean.data];
  bn.forward(probe, false);
  assert.deepEqual([...bn.runningMean.data], before);
  // Training mode output per channel has mean β and standard deviation ≈ γ.
  const trained = bn.forward(x, true);
  for (let c = 0; c < 2; c++) {
    const values: number[] = [];
    for (let n = 0; n < 3; n++) for (let s = 0; s < 4; s++) values.push(trained.data[(n * 2 + c) * 4 + s]!);
    const mean = values.reduce((a, b) => a + b) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(mean - beta.data[c]!) < 1e-9 && Math.abs(sd - gamma.data[c]!) < 1e-5, `channel ${c}: mean ${mean} sd ${sd}`);
  }
});

test('dropout: inverted scaling in training, identity at inference, masks reproducible from the seed', () => {
  const x = Tensor.zeros([50, 40]);
  x.data.fill(1);
  const a = new Dropout(0.3, new Rng(1));
  const out = a.forward(x, true);
  const kept = [...out.data].filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6), 'kept values are scaled by 1/(1 − r)');
  const dropped = 1 - kept.length / x.size;
  assert.ok(Math.abs(dropped - 0.3) < 0.04, `dropped fraction ${dropped}`);
  assert.equal(a.forward(x, false), x);
  const b = new Dropout(0.3, new Rng(1));
  assert.deepEqual([...b.forward(x, true).data], [...out.data]);
  assert.notDeepEqual([...b.forward(x, true).data], [...out.data], 'a new mask every training pass');
  assert.throws(() => new Dropout(1, new Rng(1)), /ratio must be in \[0, 1\)/);
});

test('max pooling: padding never wins, ties keep the first, backward routes to the maximum', () => {
  const pool = new Pooling({ size: 2, stride: 1, pad: 1 });
  const x = Tensor.from([-5, -6, -7, -8], [1, 1, 2, 2], 'float64');
  const out = pool.forward(x);
  assert.deepEqual(out.shape, [1, 1, 3, 3]);
  assert.deepEqual([...out.data], [-5, -5, -6, -5, -5, -6, -7, -7, -8]);
  const ties = new Pooling({ size: 2 }).forward(Tensor.from([1, 1, 1, 1], [1, 1, 2, 2]));
  assert.deepEqual([...ties.data], [1]);
  const dx = pool.backward(Tensor.from(Array.from({ length: 9 }, () => 1), [1, 1, 3, 3], 'float64'));
  assert.deepEqual([...dx.data], [4, 2, 2, 1]);
});

test('model spec: bad conv, pool, batchnorm and dropout options name the layer and the problem', () => {
  const build = (layers: ModelSpec['layers'], inputShape = [1, 6, 6]) => buildNet({ kind: 'custom', inputShape, layers });
  assert.throws(() => build([{ type: 'conv', filters: 0, size: 3 }]), /layer 0 \(conv\): "filters" must be an integer ≥ 1/);
  assert.throws(() => build([{ type: 'conv', filters: 2, size: 9 }]), /layer 0 \(conv\): a 9×9 window .* does not fit a 6×6 input/);
  assert.throws(() => build([{ type: 'conv', filters: 2, size: 3 }], [36]), /conv needs a C×H×W input/);
  assert.throws(() => build([{ type: 'maxpool', size: 2, pad: 2 }]), /pad must be an integer in \[0, size\)/);
  assert.throws(() => build([{ type: 'dropout', ratio: 1.5 }]), /"ratio" must be a number in \[0, 1\)/);
  assert.throws(() => build([{ type: 'batchnorm', momentum: 'fast' }]), /"momentum" must be a number/);
});
