// The bench's systems on a tiny synthetic IDX set: the NumPy program runs (when python3
// has numpy), and scratchnet, TF.js hand-written backprop and TF.js autodiff, given the
// same seed, draw the same weights and batches and so give the same losses.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { loadMnistFolder } from '../src/data/mnist-files.js';
import { twoLayerSpec } from '../src/nets/spec.js';
import { closeBackends } from '../src/tensor/kernels/select.js';
import { evaluatedImages, type TrainJob } from '../bench/job.js';
import type { MicroOutcome, SystemSpec, TrainOutcome } from '../bench/protocol.js';
import { runInChild, torchAvailable } from '../bench/spawn.js';
import { trainScratchnet } from '../bench/systems/scratchnet.js';
import { trainTfjs } from '../bench/systems/tfjs.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';
import { numpySkip } from './helpers/python.js';

const folder = writeSyntheticMnist(tempFolder('bench-systems-'), { train: 60, test: 20, size: 5, classes: 4 });
after(async () => {
  rmSync(folder, { recursive: true, force: true });
  await closeBackends();
});

const job: TrainJob = {
  id: 'tiny',
  title: 'tiny',
  spec: twoLayerSpec(25, 8, 4),
  init: 0.5,
  optimizer: 'sgd',
  lr: 0.5,
  batchSize: 10,
  iterations: 3,
  evalEvery: 2,
  sampling: 'replacement',
  keepImageShape: false,
};

function assertSaneOutcome(outcome: TrainOutcome): void {
  assert.equal(outcome.iterations, 3);
  assert.equal(outcome.evaluations, 3, 'evaluations at 0 and 2, and the final one');
  for (const accuracy of [outcome.finalTrainAccuracy, outcome.finalTestAccuracy]) assert.ok(accuracy >= 0 && accuracy <= 1, String(accuracy));
  assert.ok(Number.isFinite(outcome.firstLoss) && Number.isFinite(outcome.lastLoss));
  assert.ok(outcome.peakRssMB > 10);
}

describe('bench systems on synthetic IDX files', () => {
  it('the NumPy program trains 3 iterations and measures GEMM and inference', { skip: numpySkip() }, async () => {
    const outcome = await runInChild<TrainOutcome>({ mode: 'train', system: { kind: 'numpy' }, job, seed: 3 }, { dataFolder: folder });
    assertSaneOutcome(outcome);
    assert.equal(outcome.evaluationLog?.map((e) => e.iteration).join(','), '0,2');

    const micro = await runInChild<MicroOutcome>(
      {
        mode: 'micro',
        system: { kind: 'numpy', threads: 1 },
        shapes: [{ name: '3·5·4 Aᵀ', m: 3, k: 5, n: 4, transA: true }, { name: '2·6·3, A = images', m: 2, k: 6, n: 3, imagesA: true }],
        minSeconds: 0.01,
        latencySamples: 5,
        seed: 1,
      },
      { dataFolder: folder },
    );
    assert.deepEqual(micro.gemm.map((g) => g.shape), ['3·5·4 Aᵀ', '2·6·3, A = images']);
    assert.ok(micro.gemm.every((g) => g.gflops > 0) && micro.inference!.batchImagesPerSecond > 0 && micro.inference!.singleImageMicroseconds > 0);
  });

  it('PyTorch trains the two-layer job and a conv net, 3 iterations each', { skip: !torchAvailable().ok && 'no python3 with torch' }, async () => {
    const outcome = await runInChild<TrainOutcome>({ mode: 'train', system: { kind: 'torch', threads: 1 }, job, seed: 3 }, { dataFolder: folder });
    assertSaneOutcome(outcome);
    assert.equal(outcome.evaluationLog?.map((e) => e.iteration).join(','), '0,2');
    const conv: TrainJob = {
      ...job,
      spec: { kind: 'cnn', inputShape: [1, 5, 5], layers: [{ type: 'conv', filters: 3, size: 3, pad: 1 }, { type: 'relu' }, { type: 'maxpool', size: 2 }, { type: 'affine', units: 4 }] },
      init: 'he',
      optimizer: 'adam',
      lr: 0.002,
      sampling: 'shuffle',
      keepImageShape: true,
    };
    assertSaneOutcome(await runInChild<TrainOutcome>({ mode: 'train', system: { kind: 'torch', threads: 1 }, job: conv, seed: 3 }, { dataFolder: folder }));
  });

  it('the NumPy program fails with its error in the rejection when the data folder is wrong', { skip: numpySkip() }, async () => {
    await assert.rejects(runInChild({ mode: 'train', system: { kind: 'numpy' }, job, seed: 3 }, { dataFolder: `${folder}/missing` }), /wrote no result/);
  });

  it('scratchnet (js, wasm) and TF.js (cpu and wasm, hand-written and autodiff) give the same losses and accuracies', async () => {
    const load = () => loadMnistFolder(folder);
    const run = (system: SystemSpec) => (system.kind === 'scratchnet' ? trainScratchnet : trainTfjs)({ mode: 'train', system, job, seed: 7 }, load);
    const reference = await run({ kind: 'scratchnet', backend: 'js', threads: 1 });
    assertSaneOutcome(reference);
    // 4 classes, weights of std 0.5 on 25 inputs: the first loss is far from ln 4, so equal losses mean equal weights
    assert.ok(Math.abs(reference.firstLoss! - Math.log(4)) > 0.05, `first loss ${reference.firstLoss}`);
    for (const system of [
      { kind: 'scratchnet', backend: 'wasm', threads: 1 },
      { kind: 'tfjs', backend: 'cpu', variant: 'manual' },
      { kind: 'tfjs', backend: 'cpu', variant: 'autodiff' },
      { kind: 'tfjs', backend: 'wasm', variant: 'manual' },
    ] as const) {
      const outcome = await run(system);
      assertSaneOutcome(outcome);
      const what = `${system.kind} ${system.backend} ${'variant' in system ? system.variant : ''}`;
      assert.ok(Math.abs(outcome.firstLoss! - reference.firstLoss!) < 1e-5, `${what}: first loss ${outcome.firstLoss} vs ${reference.firstLoss}`);
      assert.ok(Math.abs(outcome.lastLoss! - reference.lastLoss!) < 1e-4, `${what}: last loss ${outcome.lastLoss} vs ${reference.lastLoss}`);
      assert.equal(outcome.finalTestAccuracy, reference.finalTestAccuracy, what);
      assert.equal(outcome.finalTrainAccuracy, reference.finalTrainAccuracy, what);
    }
  });

  it('a conv job (Adam with decay, shuffled epochs, dropout, sampled evaluations) runs in scratchnet and TF.js', async () => {
    const conv = writeSyntheticMnist(tempFolder('bench-conv-'), { train: 30, test: 12, size: 8, classes: 3 });
    try {
      const load = () => loadMnistFolder(conv, { keepShape: true });
      const convJob: TrainJob = {
        ...job,
        id: 'tiny-cnn',
        spec: {
          kind: 'cnn',
          inputShape: [1, 8, 8],
          layers: [
            { type: 'conv', filters: 2, size: 3, stride: 1, pad: 1 },
            { type: 'relu' },
            { type: 'maxpool', size: 2, stride: 2 },
            { type: 'affine', units: 5 },
            { type: 'relu' },
            { type: 'dropout', ratio: 0.5 },
            { type: 'affine', units: 3 },
          ],
        },
        init: 'he',
        optimizer: 'adam',
        lr: 0.01,
        lrDecay: 0.5,
        iterations: 6,
        evalEvery: 3,
        evalSamples: 5,
        sampling: 'shuffle',
        keepImageShape: true,
      };
      for (const system of [{ kind: 'scratchnet', backend: 'js', threads: 1 }, { kind: 'tfjs', backend: 'cpu', variant: 'autodiff' }] as const) {
        const outcome = await (system.kind === 'scratchnet' ? trainScratchnet : trainTfjs)({ mode: 'train', system, job: convJob, seed: 5 }, load);
        assert.equal(outcome.iterations, 6);
        assert.equal(outcome.evaluations, 3, `${system.kind}: evaluations at 0 and 3, and the final one`);
        assert.equal(outcome.evaluatedImages, 2 * (5 + 5) + 30 + 12, system.kind);
        assert.equal(outcome.evaluatedImages, evaluatedImages(convJob, 30, 12));
        assert.ok(Number.isFinite(outcome.lastLoss) && outcome.finalTestAccuracy >= 0 && outcome.finalTestAccuracy <= 1, JSON.stringify(outcome));
      }
    } finally {
      rmSync(conv, { recursive: true, force: true });
    }
  });
});
