// A net runs Pooling → Relu as one fused step: its loss, scores and gradients must be the
// bits of running the layers one by one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Layer } from '../src/layers/layer.js';
import { convNetSpec } from '../src/nets/conv-net.js';
import { fuseSteps } from '../src/nets/fused-steps.js';
import { buildNet } from '../src/nets/spec.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { randomLabels } from './helpers/grad.js';

const spec = convNetSpec({ inputShape: [1, 12, 12], blocks: [{ filters: 4, size: 3, pad: 1 }, { filters: 8, size: 3, pad: 1 }], hiddenSize: 10, dropout: 0 });

function randomImages(shape: number[], rng: Rng): Tensor {
  const x = Tensor.zeros(shape, 'float32');
  rng.fillNormal(x.data, 1);
  return x;
}

test('the cnn runs each Pooling → Relu as one step, with the bits of the layers run one by one', () => {
  const net = buildNet(spec, { rng: new Rng(5), dtype: 'float32', init: 'he' });
  const steps = fuseSteps(net.layers);
  assert.deepEqual(steps.map((s) => s.name), ['Convolution1+Pooling+Relu', 'Convolution2+Pooling+Relu', 'Affine3', 'Relu', 'Affine4']);
  const rng = new Rng(6);
  const x = randomImages([6, 1, 12, 12], rng);
  const t = randomLabels(6, 10, rng);

  const fusedScores = Float32Array.from(net.predict(x).data);
  const fusedLoss = net.backprop(x, t);
  const fusedGrads = net.params().map((p) => Float32Array.from(p.grad.data));

  // The same passes, layer by layer.
  let out: Tensor = x;
  for (const layer of net.layers) out = layer.forward(out, true);
  const loss = net.lastLayer.forward(out, t);
  let dout: Tensor | undefined = net.lastLayer.backward(1);
  net.layers.forEach((_, i) => {
    const layer: Layer = net.layers[net.layers.length - 1 - i]!;
    dout = dout && layer.backward(dout, i < net.layers.length - 1);
  });
  assert.equal(fusedLoss, loss);
  net.params().forEach((p, i) => assert.deepEqual(p.grad.data, fusedGrads[i], p.name));
  let scores: Tensor = x;
  for (const layer of net.layers) scores = layer.forward(scores, false);
  assert.deepEqual(scores.data, fusedScores);
});

test('fused steps follow changes to the layer list', () => {
  const net = buildNet(spec, { rng: new Rng(7), dtype: 'float32', init: 'he' });
  const x = randomImages([2, 1, 12, 12], new Rng(8));
  const before = Float32Array.from(net.predict(x).data);
  // Dropping the second block's Relu: that step pools without it, and the scores change.
  const relu = net.layers.splice(5, 1);
  assert.equal(relu[0]!.name, 'Relu');
  assert.deepEqual(fuseSteps(net.layers).map((s) => s.name), ['Convolution1+Pooling+Relu', 'Convolution2+Pooling', 'Affine3', 'Relu', 'Affine4']);
  const after = net.predict(x).data;
  assert.notDeepEqual(Float32Array.from(after), before);
});
