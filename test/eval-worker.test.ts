// The evaluation thread (evaluation-worker-node.ts): a run whose evaluations are made there
// reports the numbers of a run that makes them in place, on the wasm backend (images in shared
// memory, read by the thread's own copy) and on the JS one (images copied over); a failure in
// the thread is an error naming it, never a wait without end; the thread ends with close().

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type Dataset, type ImageData, pixelDataset } from '../src/data/dataset.js';
import { loadMnistFolder, loadMnistPackage } from '../src/data/mnist-files.js';
import { buildNet, twoLayerSpec } from '../src/nets/spec.js';
import { createOptimizer } from '../src/optim/factory.js';
import type { Kernels } from '../src/tensor/kernels/kernels.js';
import { closeBackends, type BackendName, useBackend } from '../src/tensor/kernels/select.js';
import { Rng } from '../src/tensor/rng.js';
import { type EvaluationWorker, startEvaluationWorker } from '../src/train/evaluation-worker-node.js';
import { train } from '../src/train/trainer.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

const folder = writeSyntheticMnist(tempFolder(), { train: 60, test: 15, size: 28, classes: 10 });
const spec = twoLayerSpec(784, 16, 10);

/** The first 3000 training and 1000 test images of real MNIST, kept as bytes where the backend keeps them. */
function mnistPart(): ImageData {
  const full = loadMnistPackage();
  const part = (set: Dataset, count: number) => pixelDataset([count, 28, 28], set.pixels!.subarray(0, count * 784), set.labels.subarray(0, count));
  return { ...full, train: part(full.train, 3000), test: part(full.test, 1000) };
}

function run(data: ImageData, evaluator?: EvaluationWorker) {
  const rng = new Rng(11);
  const net = buildNet(spec, { rng, init: 0.1 });
  const result = train(net, createOptimizer('sgd', { lr: 0.5 }), data, rng, { iterations: 120, batchSize: 20, evalEvery: 15, evalSamples: 500, evaluator });
  return { evaluations: result.evaluations.map((e) => [e.iteration, e.trainAccuracy, e.testAccuracy]), loss: Array.from(result.loss), final: result.final };
}

/** The OS threads of this process (Linux). */
const threadCount = (): number => readdirSync('/proc/self/task').length;

describe('evaluation thread', () => {
  after(() => closeBackends());

  const cases: [BackendName, number][] = [['wasm', 1], ['wasm', 2], ['js', 1]];
  for (const [name, threads] of cases) {
    it(`${name}, ${threads} thread(s): the same evaluations, losses and final accuracies as in place`, async () => {
      const backend: Kernels = await useBackend(name, { threads });
      const data = mnistPart();
      assert.equal(data.train.pixels!.buffer instanceof SharedArrayBuffer, name === 'wasm');
      const inPlace = run(data);
      const worker = startEvaluationWorker(buildNet(spec), data, backend);
      try {
        const beside = run(data, worker);
        assert.equal(inPlace.evaluations.length, 8);
        assert.ok(inPlace.final.testAccuracy > 0.7, `the net learned: ${inPlace.final.testAccuracy}`);
        assert.deepEqual(beside, inPlace);
      } finally {
        await worker.close();
      }
    });
  }

  it('a failure in the thread is an error that names it, not an endless wait', async () => {
    const backend = await useBackend('wasm', { threads: 1 });
    const data = loadMnistFolder(folder);
    const worker = startEvaluationWorker(buildNet(spec), data, backend);
    try {
      const other = buildNet(twoLayerSpec(784, 17, 10));
      worker.submit(other, Infinity);
      assert.throws(() => worker.take(1), /^Error: evaluation thread: got 13525 weights for a net of 12730$/);
    } finally {
      await worker.close();
    }
  });

  it('refuses more evaluations under way than it has room for, and any after close()', async () => {
    const backend = await useBackend('js');
    const data = loadMnistFolder(folder);
    const net = buildNet(spec);
    const worker = startEvaluationWorker(net, data, backend);
    for (let i = 0; i < 8; i++) worker.submit(net, 10);
    assert.throws(() => worker.submit(net, 10), /more than 8 evaluations under way/);
    assert.equal(worker.take(8).length, 8);
    await worker.close();
    assert.throws(() => worker.submit(net, 10), /used after close\(\)/);
    assert.throws(() => worker.take(1), /used after close\(\)/, 'never a wait for what cannot come');
  });

  it('ends its thread on close()', { skip: process.platform !== 'linux' && 'counts threads in /proc' }, async () => {
    const backend = await useBackend('js');
    const data = loadMnistFolder(folder);
    const before = threadCount();
    const worker = startEvaluationWorker(buildNet(spec), data, backend);
    worker.submit(buildNet(spec), Infinity);
    worker.take(1);
    assert.ok(threadCount() > before);
    await worker.close();
    for (let i = 0; i < 100 && threadCount() > before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(threadCount(), before);
  });
});
