// scratchnet through its library API: the same train() loop, net and optimizer the CLI uses.

import { type ImageData, imageCount } from '../../src/data/dataset.js';
import { loadMnistPackage } from '../../src/data/mnist-files.js';
import { buildNet } from '../../src/nets/spec.js';
import { createOptimizer } from '../../src/optim/factory.js';
import { kernels } from '../../src/tensor/kernels/kernels.js';
import { timeGemm } from '../gemm-timing.js';
import { describeBackend, useBackend, type BackendName } from '../../src/tensor/kernels/select.js';
import { Rng } from '../../src/tensor/rng.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { train } from '../../src/train/trainer.js';
import { evaluatedImages, REFERENCE_JOB } from '../job.js';
import type { MicroOutcome, MicroRequest, TrainOutcome, TrainRequest } from '../protocol.js';
import { bestSecondsPerCall, medianMicroseconds, peakRssMB } from '../timing.js';

type ScratchnetSystem = { kind: 'scratchnet'; backend: string; threads: number; dense?: boolean };

async function select(system: ScratchnetSystem): Promise<void> {
  const backend = await useBackend(system.backend as BackendName, { threads: system.threads });
  if (system.dense) backend.sparseInputs = false;
}

/** `load` runs after the backend is chosen, so the images live where its kernels want them (the wasm heap). */
export async function trainScratchnet(request: TrainRequest, load: () => ImageData): Promise<TrainOutcome> {
  await select(request.system as ScratchnetSystem);
  const { job } = request;
  const data = load();
  const rng = new Rng(request.seed);
  const net = buildNet(job.spec, { rng, init: job.init, dtype: 'float32' });
  const optimizer = createOptimizer(job.optimizer, { lr: job.lr });
  let firstLoss: number | null = null;
  const start = performance.now();
  const schedule = { iterations: job.iterations, batchSize: job.batchSize, evalEvery: job.evalEvery, evalSamples: job.evalSamples, sampling: job.sampling };
  const result = train(net, optimizer, data, rng, schedule, {
    onEvaluation: (e) => process.stderr.write(`scratchnet: iteration ${e.iteration}: train ${e.trainAccuracy.toFixed(4)} test ${e.testAccuracy.toFixed(4)}\n`),
    onIteration: (i, loss) => {
      if (i === 0) firstLoss = loss;
    },
    onEpochEnd: () => {
      if (job.lrDecay !== undefined) optimizer.lr *= job.lrDecay;
    },
  });
  const wallSeconds = (performance.now() - start) / 1000;
  return {
    iterations: job.iterations,
    evaluations: result.evaluations.length + 1,
    wallSeconds,
    trainSeconds: result.seconds.train,
    evalSeconds: result.seconds.evaluate,
    evaluatedImages: evaluatedImages(job, imageCount(data.train), imageCount(data.test)),
    finalTrainAccuracy: result.final.trainAccuracy,
    finalTestAccuracy: result.final.testAccuracy,
    firstLoss,
    lastLoss: job.iterations > 0 ? result.loss[job.iterations - 1]! : null,
    peakRssMB: peakRssMB(),
    evaluationLog: result.evaluations.map(({ iteration, trainAccuracy, testAccuracy, elapsed }) => ({ iteration, trainAccuracy, testAccuracy, elapsed })),
    versions: { node: process.versions.node, backend: describeBackend(kernels()) },
  };
}

export async function microScratchnet(request: MicroRequest): Promise<MicroOutcome> {
  await select(request.system as ScratchnetSystem);
  const k = kernels();
  const rng = new Rng(request.seed);
  // timeGemm keeps its matrices in the backend's own memory (the wasm heap), as the layers' tensors are
  const data = loadMnistPackage();
  const gemm = request.shapes.map((shape) => {
    const aValues = shape.imagesA ? data.train.images.data.subarray(0, shape.m * shape.k) : undefined;
    const result = { shape: shape.name, gflops: timeGemm(k, shape, request.minSeconds, aValues) };
    process.stderr.write(`scratchnet ${describeBackend(k)}: gemm ${shape.name}: ${result.gflops.toFixed(1)} GFLOP/s\n`);
    return result;
  });

  const test = data.test;
  const net = buildNet(REFERENCE_JOB.spec, { rng, init: REFERENCE_JOB.init });
  const classify = (x: Tensor, labels: Uint8Array): number => {
    const scores = net.predict(x);
    return k.countCorrect(scores.data, labels, x.rows, scores.cols);
  };
  const batchSeconds = bestSecondsPerCall(() => classify(test.images, test.labels), request.minSeconds);
  const rows = test.images.rows;
  const singles = Array.from({ length: 16 }, (_, i) => test.images.sliceRows(i, i + 1));
  const single = medianMicroseconds((i) => classify(singles[i % 16]!, test.labels.subarray(i % 16, (i % 16) + 1)), request.latencySamples);
  return {
    gemm,
    inference: { batchImagesPerSecond: rows / batchSeconds, singleImageMicroseconds: single },
    peakRssMB: peakRssMB(),
    versions: { node: process.versions.node, backend: describeBackend(k) },
  };
}
