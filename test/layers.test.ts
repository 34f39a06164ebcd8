// Every layer's backward against numerical gradients, in float64.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Affine } from '../src/layers/affine.js';
import type { Layer } from '../src/layers/layer.js';
import { Relu } from '../src/layers/relu.js';
import { Sigmoid } from '../src/layers/sigmoid.js';
import { SoftmaxWithLoss } from '../src/layers/softmax-with-loss.js';
import { oneHot } from '../src/data/dataset.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { assertClose, dot, numericGradient, randomTensor } from './helpers/numeric.js';

/** Checks ∂(Σ dout·y)/∂x and ∂/∂params of a layer against central differences. */
function checkLayer(layer: Layer, x: Tensor, rng: Rng, tolerance = 1e-7): void {
  const y = layer.forward(x, true);
  const dout = randomTensor([...y.shape], rng);
  const objective = () => dot(layer.forward(x, true).data, dout.data);
  layer.forward(x, true);
  const dx = layer.backward(dout)!;
  const analyticParams = layer.params().map((p) => p.grad.data.slice());
  assert.deepEqual(dx.shape, x.shape, `${layer.name}: dx has x's shape`);
  assertClose(dx.data, numericGradient(objective, x).data, tolerance, `${layer.name} dx`);
  layer.params().forEach((p, i) => {
    assertClose(analyticParams[i]!, numericGradient(objective, p.value).data, tolerance, `${layer.name} d${p.name}`);
  });
}

describe('layers: backward matches numerical gradients (float64)', () => {
  const rng = new Rng(7);

  it('Affine on 2-D input', () => {
    checkLayer(new Affine(randomTensor([6, 4], rng), randomTensor([4], rng)), randomTensor([5, 6], rng), rng);
  });

  it('Affine flattens N-D input and restores its shape in backward', () => {
    const layer = new Affine(randomTensor([2 * 3 * 3, 4], rng), randomTensor([4], rng));
    const x = randomTensor([3, 2, 3, 3], rng);
    assert.deepEqual(layer.forward(x, false).shape, [3, 4]);
    checkLayer(layer, x, rng);
  });

  it('Affine skips dx when the input gradient is not needed, still filling dW and db', () => {
    const layer = new Affine(randomTensor([3, 2], rng), randomTensor([2], rng));
    const x = randomTensor([4, 3], rng);
    layer.forward(x, true);
    const dout = randomTensor([4, 2], rng);
    assert.equal(layer.backward(dout, false), undefined);
    assertClose(layer.b.grad.data, [0, 1].map((j) => dout.data[j]! + dout.data[2 + j]! + dout.data[4 + j]! + dout.data[6 + j]!), 1e-12, 'db');
  });

  it('Relu (inputs kept away from the kink at 0)', () => {
    const x = randomTensor([4, 5], rng);
    for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]!) < 0.01) x.data[i] = 0.5;
    checkLayer(new Relu(), x, rng);
  });

  it('Relu does not write into the gradient it receives', () => {
    const relu = new Relu();
    relu.forward(Tensor.from([-1, 2, -3, 4], [2, 2], 'float64'), true);
    const dout = Tensor.from([1, 1, 1, 1], [2, 2], 'float64');
    const dx = relu.backward(dout);
    assert.deepEqual(Array.from(dx.data), [0, 1, 0, 1]);
    assert.deepEqual(Array.from(dout.data), [1, 1, 1, 1]);
  });

  it('Sigmoid', () => {
    checkLayer(new Sigmoid(), randomTensor([3, 7], rng, 2), rng);
  });

  for (const kind of ['index labels', 'one-hot labels', 'soft targets'] as const) {
    it(`SoftmaxWithLoss with ${kind}`, () => {
      const layer = new SoftmaxWithLoss();
      const x = randomTensor([5, 4], rng, 3);
      const indices = Uint8Array.from([0, 3, 1, 2, 3]);
      let labels: Uint8Array | Tensor = indices;
      if (kind === 'one-hot labels') labels = oneHot(indices, 4).as('float64');
      if (kind === 'soft targets') {
        labels = Tensor.zeros([5, 4], 'float64');
        for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) labels.data[i * 4 + j] = (i + j + 1) / (4 * i + 10);
      }
      const target = labels;
      layer.forward(x, target);
      const dx = layer.backward();
      assertClose(dx.data, numericGradient(() => layer.forward(x, target), x).data, 1e-7, 'softmax dx');
    });
  }
});

describe('SoftmaxWithLoss: values', () => {
  it('matches the definition on a small example', () => {
    const layer = new SoftmaxWithLoss();
    const x = Tensor.from([1, 2, 3, 1, 1, 1], [2, 3], 'float64');
    const loss = layer.forward(x, Uint8Array.from([2, 0]));
    const p = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const expected = (-Math.log(p[2]! / (p[0]! + p[1]! + p[2]!)) - Math.log(1 / 3)) / 2;
    assert.ok(Math.abs(loss - expected) < 1e-12, `${loss} vs ${expected}`);
    assertClose(layer.output!.data.subarray(3), [1 / 3, 1 / 3, 1 / 3], 1e-12, 'uniform row');
  });

  it('one-hot and index labels give the same loss and gradient', () => {
    const x = randomTensor([6, 5], new Rng(3), 4);
    const indices = Uint8Array.from([4, 0, 2, 2, 1, 3]);
    const a = new SoftmaxWithLoss();
    const b = new SoftmaxWithLoss();
    assert.ok(Math.abs(a.forward(x, indices) - b.forward(x, oneHot(indices, 5).as('float64'))) < 1e-12);
    assertClose(a.backward().data, b.backward().data, 1e-12, 'dx');
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`stays finite and exact at logits of ±1e4 (${dtype})`, () => {
      const layer = new SoftmaxWithLoss();
      const x = Tensor.from([1e4, -1e4, 0, -1e4, 1e4, 0, 1e4, 1e4, -1e4], [3, 3], dtype);
      // row 0 right with p = 1; row 1 wrong by 2e4; row 2 a tie between two classes
      const loss = layer.forward(x, Uint8Array.from([0, 0, 1]));
      assert.ok(Number.isFinite(loss), `loss ${loss}`);
      assertClose([loss], [(0 + 2e4 + Math.log(2)) / 3], 1e-6, 'loss');
      const dx = layer.backward();
      for (const v of dx.data) assert.ok(Number.isFinite(v));
      assertClose(dx.data, [0, 0, 0, -1 / 3, 1 / 3, 0, 1 / 6, -1 / 6, 0], 1e-6, 'dx');
      const oneHotLoss = new SoftmaxWithLoss().forward(x, oneHot([0, 0, 1], 3).as(dtype));
      assertClose([oneHotLoss], [loss], 1e-6, 'one-hot loss');
    });
  }

  it('refuses labels outside the classes', () => {
    assert.throws(() => new SoftmaxWithLoss().forward(Tensor.zeros([1, 3]), Uint8Array.from([3])), /label 3 at row 0 is outside 0\.\.2/);
  });
});
