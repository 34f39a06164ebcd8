// TwoLayerNet against numpy, the gradient check, and a short training run on real MNIST.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import type { Relu } from '../src/layers/relu.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkGradients } from '../src/cli/gradcheck.js';
import { train } from '../src/train/trainer.js';
import { assertClose, randomTensor } from './helpers/numeric.js';
import { numpySkip, runPython } from './helpers/python.js';

const NUMPY_TWO_LAYER = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
x = np.array(d['x']).reshape(d['n'], -1)
W1 = np.array(d['W1']).reshape(x.shape[1], -1); b1 = np.array(d['b1'])
W2 = np.array(d['W2']).reshape(W1.shape[1], -1); b2 = np.array(d['b2'])
t = np.array(d['t'])
h = x @ W1 + b1
a = np.maximum(h, 0)
s = a @ W2 + b2
e = np.exp(s - s.max(axis=1, keepdims=True))
y = e / e.sum(axis=1, keepdims=True)
n = x.shape[0]
loss = -np.log(y[np.arange(n), t]).sum() / n
dy = y.copy(); dy[np.arange(n), t] -= 1; dy /= n
dW2 = a.T @ dy; db2 = dy.sum(axis=0)
da = dy @ W2.T; dh = da * (h > 0)
dW1 = x.T @ dh; db1 = dh.sum(axis=0)
print(json.dumps({'scores': s.ravel().tolist(), 'loss': float(loss), 'W1': dW1.ravel().tolist(), 'b1': db1.tolist(), 'W2': dW2.ravel().tolist(), 'b2': db2.tolist()}))
`;

describe('TwoLayerNet', () => {
  it('has the book\'s parameters: W ~ std·N(0,1), b = 0, names W1 b1 W2 b2', () => {
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng: new Rng(1) });
    assert.deepEqual(net.params().map((p) => `${p.name}:${p.value.shape.join('x')}`), ['W1:784x50', 'b1:50', 'W2:50x10', 'b2:10']);
    const W1 = net.paramValues.W1!.data;
    let sum = 0, sumSq = 0;
    for (const w of W1) {
      sum += w;
      sumSq += w * w;
    }
    const mean = sum / W1.length;
    const std = Math.sqrt(sumSq / W1.length - mean * mean);
    assert.ok(Math.abs(mean) < 2e-4 && Math.abs(std - 0.01) < 2e-4, `mean ${mean}, std ${std}`);
    assert.ok(net.paramValues.b1!.data.every((b) => b === 0));
  });

  it('forward, loss and backprop agree with numpy', { skip: numpySkip() }, () => {
    const rng = new Rng(5);
    const net = new TwoLayerNet({ inputSize: 12, hiddenSize: 7, outputSize: 4, weightInitStd: 0.5, dtype: 'float64', rng });
    for (const p of net.params()) rng.fillNormal(p.value.data, 0.5);
    const x = randomTensor([6, 12], rng);
    const t = Uint8Array.from([0, 1, 2, 3, 1, 2]);
    const values = net.paramValues;
    const reference = runPython(NUMPY_TWO_LAYER, {
      n: 6, x: Array.from(x.data), t: Array.from(t),
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.from(v.data)])),
    }) as Record<string, number[]> & { loss: number };
    assertClose(net.predict(x).data, reference.scores!, 1e-12, 'scores');
    const grads = net.gradient(x, t);
    assertClose([net.loss(x, t)], [reference.loss], 1e-12, 'loss');
    for (const name of ['W1', 'b1', 'W2', 'b2']) assertClose(grads[name]!.data, reference[name]!, 1e-12, `d${name}`);
  });

  it('passes the gradient check in float64, and the check catches a wrong gradient', () => {
    const make = () => new TwoLayerNet({ inputSize: 10, hiddenSize: 6, outputSize: 3, dtype: 'float64', weightInitStd: 0.3, rng: new Rng(2) });
    const x = randomTensor([4, 10], new Rng(3));
    const t = Uint8Array.from([0, 2, 1, 2]);
    const good = checkGradients(make(), x, t, 1e-7);
    assert.ok(good.ok, JSON.stringify(good.rows));
    for (const row of good.rows) assert.ok(row.meanAbsDiff < 1e-9, `${row.name}: ${row.meanAbsDiff}`);

    // A deliberately wrong Relu backward: forgets the mask (passes every gradient through).
    const broken = make();
    const relu = broken.layers[1] as Relu;
    relu.backward = (dout: Tensor) => dout;
    const bad = checkGradients(broken, x, t, 1e-7);
    assert.equal(bad.ok, false);
    assert.ok(bad.rows.find((r) => r.name === 'W1')!.meanAbsDiff > 1e-4);
  });

  it('learns real MNIST: 1000 iterations on 10 000 images reach > 88% test accuracy, same seed same numbers', () => {
    const data = loadMnistPackage();
    const subset = {
      train: { images: data.train.images.sliceRows(0, 10000), labels: data.train.labels.subarray(0, 10000) },
      test: { images: data.test.images.sliceRows(0, 2000), labels: data.test.labels.subarray(0, 2000) },
    };
    const run = () => {
      const rng = new Rng(42);
      const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng });
      return train(net, new SGD(0.1), subset, rng, { iterations: 1000, batchSize: 100, evalEvery: 500 });
    };
    const first = run();
    assert.ok(first.final.testAccuracy > 0.88, `test accuracy ${first.final.testAccuracy}`);
    assert.equal(first.evaluations.length, 2);
    assert.ok(first.loss[999]! < first.loss[0]!);
    const second = run();
    assert.deepEqual(Array.from(second.loss), Array.from(first.loss));
    assert.deepEqual(second.final, first.final);
  });
});
