// TensorFlow.js on the same jobs, written as fast as idiomatic TF.js allows.
//   'manual':   forward and backward written out with tf ops inside one tf.tidy per step
//               (the two-layer net only: Affine → Relu → Affine → softmax cross-entropy)
//   'autodiff': optimizer.minimize over a forward function built from the job's model spec
//               (tfjs-net.ts)
// Backends: 'cpu' (pure JS) and 'wasm' (@tensorflow/tfjs-backend-wasm, its .wasm files
// loaded from node_modules; no network).

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Dataset, ImageData } from '../../src/data/dataset.js';
import { loadMnistPackage } from '../../src/data/mnist-files.js';
import type { ModelSpec } from '../../src/nets/spec.js';
import { Rng } from '../../src/tensor/rng.js';
import { REFERENCE_JOB, type TrainJob } from '../job.js';
import type { MicroOutcome, MicroRequest, TfjsVariant, TrainOutcome, TrainRequest } from '../protocol.js';
import { bestSecondsPerCall, gflops, medianMicroseconds, peakRssMB } from '../timing.js';
import { batchTensor, buildTfNet, type TfNet } from './tfjs-net.js';

type TfjsSystem = { kind: 'tfjs'; backend: 'cpu' | 'wasm'; variant: TfjsVariant };

async function select(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialize`);
  await tf.ready();
}

/**
 * Accuracy on the first `limit` images of a set (all by default). A dense net classifies
 * the whole set in one call from a tensor made once; a conv net goes 1000 rows at a time,
 * each chunk made from the JavaScript copy, so its activations fit in memory.
 */
function evaluator(set: Dataset, spec: ModelSpec, net: TfNet): (limit?: number) => number {
  const rows = set.images.rows;
  const pixels = set.images.data as Float32Array;
  const width = set.images.cols;
  const isConv = spec.inputShape.length > 1;
  const whole = isConv ? undefined : batchTensor(pixels, rows, spec);
  const labels = tf.tensor1d(Int32Array.from(set.labels), 'int32');
  return (limit = rows) => {
    const count = Math.min(limit, rows);
    const chunkRows = isConv ? 1000 : count;
    let correct = 0;
    for (let start = 0; start < count; start += chunkRows) {
      const size = Math.min(chunkRows, count - start);
      correct += tf.tidy(() => {
        const x = whole && size === rows ? whole : batchTensor(pixels.subarray(start * width, (start + size) * width), size, spec);
        const t = size === rows ? labels : tf.slice(labels, start, size);
        return tf.sum(tf.cast(tf.equal(tf.argMax(net.forward(x), 1), t), 'int32')).dataSync()[0]!;
      });
    }
    return correct / count;
  };
}

/**
 * Minibatches copied on the JavaScript side and handed over with tf.tensor: on the wasm
 * backend tf.gather from the 60 000-row tensor costs ≈2 ms per batch, the copy ≈0.2 ms.
 * Indices are drawn like scratchnet's BatchSampler: uniform with replacement, or a fresh
 * permutation per epoch.
 */
function batchMaker(set: Dataset, spec: ModelSpec, batchSize: number, sampling: 'replacement' | 'shuffle', rng: Rng) {
  const width = set.images.cols;
  const rows = set.images.rows;
  const pixels = set.images.data as Float32Array;
  const affines = spec.layers.filter((l) => l.type === 'affine');
  const classes = affines[affines.length - 1]!['units'] as number;
  const x = new Float32Array(batchSize * width);
  const y = new Float32Array(batchSize * classes);
  const order = sampling === 'shuffle' ? Int32Array.from({ length: rows }, (_, i) => i) : undefined;
  let cursor = rows;
  const nextIndex = (): number => {
    if (!order) return rng.int(rows);
    if (cursor >= rows) {
      rng.shuffle(order);
      cursor = 0;
    }
    return order[cursor++]!;
  };
  return (): { x: tf.Tensor; y: tf.Tensor2D } => {
    y.fill(0);
    for (let b = 0; b < batchSize; b++) {
      const index = nextIndex();
      x.set(pixels.subarray(index * width, (index + 1) * width), b * width);
      y[b * classes + set.labels[index]!] = 1;
    }
    return { x: batchTensor(x, batchSize, spec), y: tf.tensor2d(y, [batchSize, classes]) };
  };
}

/**
 * One SGD step of the two-layer net, backward written out:
 *   dS = (softmax(S) − Y)/N,  dW2 = Hᵀ·dS,  db2 = Σ dS,  dA1 = dS·W2ᵀ ⊙ [A1 > 0],  dW1 = Xᵀ·dA1,  db1 = Σ dA1
 * NOTE: Xᵀ·dA1 as matMul(transpose(x), dA1): the wasm backend's matMul with transposeA
 * takes ≈3 ms at 784·100·50, an explicit transpose then matMul ≈0.4 ms.
 */
function manualStep(variables: tf.Variable[], lr: () => number) {
  const [W1, b1, W2, b2] = variables as [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
  return (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar => {
    const n = x.shape[0];
    const a1 = tf.add(tf.matMul(x, W1), b1);
    const h = tf.relu(a1);
    const scores = tf.add(tf.matMul(h, W2), b2);
    const logProbs = tf.logSoftmax(scores);
    const loss = tf.div(tf.neg(tf.sum(tf.mul(y, logProbs))), n) as tf.Scalar;
    const dScores = tf.div(tf.sub(tf.exp(logProbs), y), n);
    const dW2 = tf.matMul(tf.transpose(h), dScores);
    const db2 = tf.sum(dScores, 0);
    const dA1 = tf.mul(tf.matMul(dScores, W2, false, true), tf.step(a1));
    const dW1 = tf.matMul(tf.transpose(x), dA1);
    const db1 = tf.sum(dA1, 0);
    const rate = lr();
    W1.assign(tf.sub(W1, tf.mul(dW1, rate)));
    b1.assign(tf.sub(b1, tf.mul(db1, rate)));
    W2.assign(tf.sub(W2, tf.mul(dW2, rate)));
    b2.assign(tf.sub(b2, tf.mul(db2, rate)));
    return loss;
  };
}

function isTwoLayer(job: TrainJob): boolean {
  return job.spec.layers.map((l) => l.type).join(',') === 'affine,relu,affine';
}

/** SGD or Adam with the book's constants; `setLr` changes the rate between steps (the per-epoch decay). */
function makeOptimizer(job: TrainJob): { optimizer: tf.Optimizer; setLr(lr: number): void } {
  const optimizer = job.optimizer === 'adam' ? tf.train.adam(job.lr, 0.9, 0.999, 1e-7) : tf.train.sgd(job.lr);
  // NOTE: both keep the rate in a plain field read at every step; TF.js has no public setter.
  return { optimizer, setLr: (lr) => ((optimizer as unknown as { learningRate: number }).learningRate = lr) };
}

export async function trainTfjs(request: TrainRequest, load: () => ImageData): Promise<TrainOutcome> {
  const system = request.system as TfjsSystem;
  await select(system.backend);
  const data = load();
  const { job } = request;
  if (system.variant === 'manual' && (!isTwoLayer(job) || job.optimizer !== 'sgd')) {
    throw new Error(`TF.js manual backprop is written for the two-layer net with SGD only, not ${job.id}`);
  }
  const rng = new Rng(request.seed);
  const net = buildTfNet(job.spec, rng, job.init);
  const trainAccuracyOf = evaluator(data.train, job.spec, net);
  const testAccuracyOf = evaluator(data.test, job.spec, net);
  const { optimizer, setLr } = makeOptimizer(job);
  let lr = job.lr;
  const lossOf = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)) as tf.Scalar;
  const manual = system.variant === 'manual' ? manualStep(net.variables, () => lr) : undefined;
  const nextBatch = batchMaker(data.train, job.spec, job.batchSize, job.sampling, rng);
  const trainSize = data.train.images.rows;
  const testSize = data.test.images.rows;
  const itersPerEpoch = Math.max(Math.floor(trainSize / job.batchSize), 1);

  const log: { iteration: number; trainAccuracy: number; testAccuracy: number; elapsed: number }[] = [];
  let evalSeconds = 0;
  let evaluatedImages = 0;
  const evaluate = (limit: number) => {
    const t0 = performance.now();
    const trainAccuracy = trainAccuracyOf(limit);
    const testAccuracy = testAccuracyOf(limit);
    evalSeconds += (performance.now() - t0) / 1000;
    evaluatedImages += Math.min(limit, trainSize) + Math.min(limit, testSize);
    return { trainAccuracy, testAccuracy };
  };

  let firstLoss: number | null = null;
  let lastLoss: number | null = null;
  const start = performance.now();
  for (let i = 0; i < job.iterations; i++) {
    if (job.evalEvery > 0 && i % job.evalEvery === 0) {
      const e = { iteration: i, ...evaluate(job.evalSamples ?? Infinity), elapsed: (performance.now() - start) / 1000 };
      log.push(e);
      process.stderr.write(`TF.js ${system.backend}: iteration ${i}: train ${e.trainAccuracy.toFixed(4)} test ${e.testAccuracy.toFixed(4)}\n`);
    }
    const loss = tf.tidy(() => {
      const { x, y } = nextBatch();
      const value = manual ? manual(x as tf.Tensor2D, y) : optimizer.minimize(() => lossOf(x, y), true, net.variables as tf.Variable[])!;
      return value.dataSync()[0]!;
    });
    if (!Number.isFinite(loss)) throw new Error(`TF.js: loss became ${loss} at iteration ${i}`);
    if (i === 0) firstLoss = loss;
    lastLoss = loss;
    if (job.lrDecay !== undefined && (i + 1) % itersPerEpoch === 0) setLr((lr *= job.lrDecay));
  }
  // A capped run of a job with sampled evaluations ends on the sample too (its accuracy is not the job's anyway).
  const final = evaluate(job.capped && job.evalSamples !== undefined ? job.evalSamples : Infinity);
  const wallSeconds = (performance.now() - start) / 1000;
  return {
    iterations: job.iterations,
    evaluations: log.length + 1,
    wallSeconds,
    trainSeconds: wallSeconds - evalSeconds,
    evalSeconds,
    evaluatedImages,
    finalTrainAccuracy: final.trainAccuracy,
    finalTestAccuracy: final.testAccuracy,
    firstLoss,
    lastLoss,
    peakRssMB: peakRssMB(),
    evaluationLog: log,
    versions: { node: process.versions.node, tfjs: tf.version.tfjs, backend: tf.getBackend() },
  };
}

export async function microTfjs(request: MicroRequest): Promise<MicroOutcome> {
  const system = request.system as TfjsSystem;
  await select(system.backend);
  const rng = new Rng(request.seed);
  const data = loadMnistPackage();
  const gemm = request.shapes.map((shape) => {
    const random = (rows: number, cols: number) => {
      const values = new Float32Array(rows * cols);
      rng.fillNormal(values);
      return tf.tensor2d(values, [rows, cols]);
    };
    const [aRows, aCols] = shape.transA ? [shape.k, shape.m] : [shape.m, shape.k];
    const a = shape.imagesA ? tf.tensor2d(data.train.images.data.slice(0, aRows * aCols) as Float32Array, [aRows, aCols]) : random(aRows, aCols);
    const b = shape.transB ? random(shape.n, shape.k) : random(shape.k, shape.n);
    const seconds = bestSecondsPerCall(() => tf.matMul(a, b, shape.transA ?? false, shape.transB ?? false).dispose(), request.minSeconds);
    tf.dispose([a, b]);
    const result = { shape: shape.name, gflops: gflops(shape.m, shape.k, shape.n, seconds) };
    process.stderr.write(`TF.js ${system.backend}: gemm ${shape.name}: ${result.gflops.toFixed(1)} GFLOP/s\n`);
    return result;
  });

  const test = data.test;
  const net = buildTfNet(REFERENCE_JOB.spec, rng, REFERENCE_JOB.init);
  const pixels = test.images.data as Float32Array;
  const images = tf.tensor2d(pixels, [test.images.rows, test.images.cols]);
  const classify = (x: tf.Tensor) => tf.tidy(() => tf.argMax(net.forward(x), 1).dataSync());
  const batchSeconds = bestSecondsPerCall(() => classify(images), request.minSeconds);
  const width = test.images.cols;
  const single = medianMicroseconds((i) => {
    const row = pixels.subarray((i % 16) * width, ((i % 16) + 1) * width);
    tf.tidy(() => classify(tf.tensor2d(row, [1, width])));
  }, request.latencySamples);
  return {
    gemm,
    inference: { batchImagesPerSecond: test.images.rows / batchSeconds, singleImageMicroseconds: single },
    peakRssMB: peakRssMB(),
    versions: { node: process.versions.node, tfjs: tf.version.tfjs, backend: tf.getBackend() },
  };
}
