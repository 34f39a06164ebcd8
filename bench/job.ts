// The benchmark's jobs and the systems that run them. A job is a model spec plus the
// training schedule; every system runs the same job (same hyperparameters, same
// evaluation schedule) in its own child process.

import { convNetSpec } from '../src/nets/conv-net.js';
import type { Init, ModelSpec } from '../src/nets/spec.js';
import { twoLayerSpec } from '../src/nets/spec.js';

export interface TrainJob {
  /** Short name used on the command line and in the JSON ('two-layer', 'cnn'). */
  readonly id: string;
  readonly title: string;
  readonly spec: ModelSpec;
  /** Weights ~ N(0, std²): a std, or 'he' √(2/fan-in), 'xavier' √(1/fan-in); biases 0. */
  readonly init: Init;
  /** SGD or Adam (the book's, β1 0.9, β2 0.999, ε 1e-7); lr × lrDecay after every epoch (600 iterations). */
  readonly optimizer: 'sgd' | 'adam';
  readonly lr: number;
  readonly lrDecay?: number;
  readonly batchSize: number;
  readonly iterations: number;
  /** Accuracy on the train and test sets at iteration 0 and every evalEvery iterations, plus once at the end on all images. */
  readonly evalEvery: number;
  /** Scheduled evaluations use only the first this many train and test images (the final one uses all). */
  readonly evalSamples?: number;
  /** 'replacement': every batch drawn uniformly (the book's loop); 'shuffle': epochs over fresh permutations. */
  readonly sampling: 'replacement' | 'shuffle';
  /** Image shape each system feeds the net: flat [784] or [1, 28, 28]. */
  readonly keepImageShape: boolean;
  /**
   * Iterations a slow system runs instead of the whole job, by system id prefix (e.g.
   * 'tfjs-cpu': 10), unless --cap says otherwise; its wall time is then extrapolated.
   */
  readonly defaultCaps?: Readonly<Record<string, number>>;
  /** Set by the runner on a run cut short: it evaluates once, at its end (on evalSamples images when the job samples). */
  readonly capped?: boolean;
}

/** The reference job of the guide: 784-50-10, SGD 0.1, batch 100 with replacement, 10 000 iterations. */
export const REFERENCE_JOB: TrainJob = {
  id: 'two-layer',
  title: 'TwoLayerNet 784-50-10, SGD lr 0.1, batch 100, 10 000 iterations',
  spec: twoLayerSpec(784, 50, 10),
  init: 0.01,
  optimizer: 'sgd',
  lr: 0.1,
  batchSize: 100,
  iterations: 10000,
  evalEvery: 600,
  sampling: 'replacement',
  keepImageShape: false,
};

/**
 * Issue 4's CNN job: `scratchnet train --model cnn` as it comes (conv 16@3×3 pad 1 → relu →
 * pool 2 → conv 32@3×3 pad 1 → relu → pool 2 → affine 100 → relu → dropout 0.5 → affine 10;
 * He init; Adam lr 0.002 × 0.7 per epoch; 5 epochs of shuffled batches of 100), evaluated on
 * the first 5000 train and test images at iteration 0 and after every epoch, on all at the end.
 * NOTE: TF.js in Node trains it on the cpu backend only (the wasm backend has no
 * Conv2DBackpropFilter kernel), ≈12 s per batch there, so that row runs capped.
 */
export const CNN_JOB: TrainJob = {
  id: 'cnn',
  title: 'CNN (scratchnet --model cnn: conv16·conv32 3×3, affine 100, dropout 0.5), Adam 0.002 ×0.7/epoch, 5 epochs',
  spec: convNetSpec(),
  init: 'he',
  optimizer: 'adam',
  lr: 0.002,
  lrDecay: 0.7,
  batchSize: 100,
  iterations: 3000,
  evalEvery: 600,
  evalSamples: 5000,
  sampling: 'shuffle',
  keepImageShape: true,
  // measured here: TF.js cpu ≈12 s and scratchnet js ≈0.23 s per iteration (full: ≈10 h and ≈13 min)
  defaultCaps: { 'tfjs-cpu': 10, 'scratchnet-js': 300 },
};

export const JOBS: readonly TrainJob[] = [REFERENCE_JOB, CNN_JOB];

/** `--quick`: the same job cut to 1000 iterations (evaluations at 0 and 600, and at the end). */
export function quickJob(job: TrainJob): TrainJob {
  return { ...job, iterations: Math.min(job.iterations, 1000) };
}

/** Number of evaluations a run of `iterations` makes: the scheduled ones plus the final one. */
export function evaluationCount(iterations: number, evalEvery: number): number {
  return (evalEvery > 0 ? Math.ceil(iterations / evalEvery) : 0) + 1;
}

/** Images classified by all of a run's evaluations: scheduled ones on up to evalSamples of each set, the final on all. */
export function evaluatedImages(job: Pick<TrainJob, 'iterations' | 'evalEvery' | 'evalSamples'>, trainSize: number, testSize: number): number {
  const scheduled = evaluationCount(job.iterations, job.evalEvery) - 1;
  const limit = job.evalSamples ?? Infinity;
  return scheduled * (Math.min(trainSize, limit) + Math.min(testSize, limit)) + trainSize + testSize;
}

/** The GEMM shapes of the reference job (M·K·N) plus a square one. */
export interface GemmShape {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
  /**
   * A is the first 100 MNIST training images (100×784 pixels in 0..1, 81% zeros), as in the
   * first layer's X·W1 and Xᵀ·dH, instead of random values; GFLOP/s still counts 2·M·K·N.
   */
  readonly imagesA?: boolean;
}

export const GEMM_SHAPES: readonly GemmShape[] = [
  { name: '100·784·50', m: 100, k: 784, n: 50 },
  { name: '100·784·50, A = MNIST', m: 100, k: 784, n: 50, imagesA: true },
  { name: '60000·784·50', m: 60000, k: 784, n: 50 },
  { name: '784·100·50 Aᵀ', m: 784, k: 100, n: 50, transA: true },
  { name: '784·100·50 Aᵀ, A = MNIST', m: 784, k: 100, n: 50, transA: true, imagesA: true },
  { name: '100·50·784 Bᵀ', m: 100, k: 50, n: 784, transB: true },
  { name: '1024³', m: 1024, k: 1024, n: 1024 },
];
