// Same seed, same bits on one thread and on two: the reference job's first iterations and
// the default `--model cnn` net's (conv, pooling, dropout, Adam) on real MNIST. The
// 2-thread backend splits every product, gather, convolution and pooling it may split.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImageData } from '../src/data/dataset.js';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import { convNetSpec } from '../src/nets/conv-net.js';
import { buildNet, twoLayerSpec, type ModelSpec } from '../src/nets/spec.js';
import { createOptimizer } from '../src/optim/factory.js';
import { setKernels } from '../src/tensor/kernels/kernels.js';
import { loadWasmKernels } from '../src/tensor/kernels/select.js';
import type { WasmKernels } from '../src/tensor/kernels/wasm/backend.js';
import { Rng } from '../src/tensor/rng.js';
import { setFloat32Allocator } from '../src/tensor/tensor.js';
import { train } from '../src/train/trainer.js';

interface Run {
  loss: Float32Array;
  params: Float32Array[];
  testAccuracy: number;
}

function run(backend: WasmKernels, spec: ModelSpec, data: ImageData, optimizer: 'sgd' | 'adam', iterations: number): Run {
  setKernels(backend);
  setFloat32Allocator(backend.float32Array);
  try {
    const rng = new Rng(7);
    const net = buildNet(spec, { rng, init: optimizer === 'adam' ? 'he' : 0.01, dtype: 'float32' });
    const test = { images: data.test.images.sliceRows(0, 500), labels: data.test.labels.subarray(0, 500) };
    const result = train(net, createOptimizer(optimizer, { lr: optimizer === 'adam' ? 0.002 : 0.1 }), { train: data.train, test }, rng, {
      iterations,
      batchSize: 100,
      evalEvery: 0,
      sampling: optimizer === 'adam' ? 'shuffle' : 'replacement',
    });
    return { loss: result.loss, params: net.params().map((p) => Float32Array.from(p.value.data)), testAccuracy: result.final.testAccuracy };
  } finally {
    setFloat32Allocator(undefined);
  }
}

function assertSameBits(a: Run, b: Run, what: string): void {
  assert.deepEqual(b.loss, a.loss, `${what}: losses`);
  a.params.forEach((p, i) => assert.deepEqual(b.params[i], p, `${what}: parameter ${i}`));
  assert.equal(b.testAccuracy, a.testAccuracy, `${what}: accuracy`);
}

describe('same seed, same bits on 1 and 2 threads', () => {
  let one: WasmKernels;
  let two: WasmKernels;
  let flat: ImageData;
  let images: ImageData;
  before(async () => {
    one = await loadWasmKernels({ threads: 1 });
    two = await loadWasmKernels({ threads: 2 });
    two.minParallelFlops = 0;
    two.minParallelGatherBytes = 0;
    two.adaptiveSplit = false;
    flat = loadMnistPackage();
    images = { ...flat, train: { images: flat.train.images.reshape([60000, 1, 28, 28]), labels: flat.train.labels }, test: { images: flat.test.images.reshape([10000, 1, 28, 28]), labels: flat.test.labels } };
  });
  after(async () => {
    await one.close();
    await two.close();
  });

  it('the reference job (two-layer, SGD), 200 iterations', () => {
    const spec = twoLayerSpec(784, 50, 10);
    const a = run(one, spec, flat, 'sgd', 200);
    assert.ok(a.loss[199]! < a.loss[0]! / 2, 'it learns');
    assertSameBits(a, run(two, spec, flat, 'sgd', 200), 'two-layer');
  });

  it('the default cnn (conv, pool, dropout, Adam), 20 iterations', () => {
    const spec = convNetSpec();
    const a = run(one, spec, images, 'adam', 20);
    assert.ok(a.loss[19]! < a.loss[0]!, 'it learns');
    assertSameBits(a, run(two, spec, images, 'adam', 20), 'cnn');
  });
});
