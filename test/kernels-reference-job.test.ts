// The reference job's first iterations on every backend: TwoLayerNet 784-50-10, fixed
// seed, SGD lr 0.1, batches of 100 from the real MNIST. Same batches, same initial
// weights, so the losses must agree within float tolerance, step by step.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ImageData } from '../src/data/dataset.js';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { setKernels } from '../src/tensor/kernels/kernels.js';
import { Rng } from '../src/tensor/rng.js';
import { setFloat32Allocator } from '../src/tensor/tensor.js';
import { train } from '../src/train/trainer.js';
import { backendsUnderTest, type Backend } from './helpers/kernels-backends.js';

const STEPS = 50;

function firstSteps(backend: Backend, data: ImageData): { loss: Float32Array; testAccuracy: number } {
  setKernels(backend.kernels);
  // The net's tensors live in the backend's memory, as the CLI arranges it.
  setFloat32Allocator(backend.label === 'js' ? undefined : backend.float32);
  try {
    const rng = new Rng(42);
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng });
    const small = { train: data.train, test: { images: data.test.images.sliceRows(0, 2000), labels: data.test.labels.subarray(0, 2000) } };
    const result = train(net, new SGD(0.1), small, rng, { iterations: STEPS, batchSize: 100, evalEvery: 0 });
    return { loss: result.loss, testAccuracy: result.final.testAccuracy };
  } finally {
    setFloat32Allocator(undefined);
  }
}

describe('reference job, first iterations', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  let data: ImageData;
  before(async () => {
    ({ backends, close } = await backendsUnderTest());
    // The dataset in the first wasm backend's memory: that one reads it in place, the others copy.
    setFloat32Allocator(backends[1]!.float32);
    try {
      data = loadMnistPackage();
    } finally {
      setFloat32Allocator(undefined);
    }
  });
  after(() => close());

  it('gives the same losses and accuracy on every backend', () => {
    const portable = firstSteps(backends[0]!, data);
    assert.ok(portable.loss[0]! > 2.2 && portable.loss[0]! < 2.4, `first loss ${portable.loss[0]} should be about ln 10`);
    const mean = (from: number, to: number): number => portable.loss.subarray(from, to).reduce((sum, v) => sum + v, 0) / (to - from);
    assert.ok(mean(STEPS - 5, STEPS) < mean(0, 5) - 0.02, `the loss should fall over ${STEPS} steps: ${[...portable.loss].join(', ')}`);
    for (const backend of backends.slice(1)) {
      const run = firstSteps(backend, data);
      for (let i = 0; i < STEPS; i++) {
        const difference = Math.abs(run.loss[i]! - portable.loss[i]!);
        assert.ok(difference < 1e-4, `${backend.label}: loss at step ${i} is ${run.loss[i]}, js gives ${portable.loss[i]}`);
      }
      // 2000 test images: a float-level difference may flip a prediction or two, not more.
      assert.ok(Math.abs(run.testAccuracy - portable.testAccuracy) <= 2 / 2000, `${backend.label}: accuracy ${run.testAccuracy} vs ${portable.testAccuracy}`);
    }
  });
});
