// The training loop of the book's chapter 5, with events instead of prints:
//   repeat: draw a minibatch → backprop → optimizer step;
//   every `evalEvery` iterations (and at iteration 0): accuracy on the full train and test sets.

import type { Dataset } from '../data/dataset.js';
import type { LayerNet } from '../nets/layer-net.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { reuse, type Tensor } from '../tensor/tensor.js';

export interface TrainOptions {
  iterations: number;
  batchSize: number;
  /** Evaluate at iteration 0 and every this many iterations after it; 0 = never. */
  evalEvery: number;
  /**
   * 'replacement': every batch is drawn uniformly with replacement (the book's loop);
   * 'shuffle': epochs over a fresh permutation, without replacement.
   */
  sampling?: 'replacement' | 'shuffle';
  /** Continue a run from a checkpoint taken at `resume.iteration` (the net, optimizer and rng restored by the caller). */
  resume?: ResumePoint;
}

/** Where a checkpointed run stood: what the trainer itself carries across iterations. */
export interface ResumePoint {
  /** Iterations already done; the next one to run. */
  readonly iteration: number;
  /** The minibatch loss of iterations 0 … iteration − 1. */
  readonly loss: ArrayLike<number>;
  readonly evaluations: readonly Evaluation[];
  readonly sampler?: SamplerState;
}

export interface Evaluation {
  /** iteration / (training set size / batch size) */
  epoch: number;
  iteration: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Seconds since training started. */
  elapsed: number;
}

export interface TrainEvents {
  onIteration?(iteration: number, loss: number): void;
  /** After each evaluation, before the iteration's batch: `checkpoint` is where the run stands (for saving). */
  onEvaluation?(evaluation: Evaluation, checkpoint: ResumePoint): void;
}

export interface TrainResult {
  evaluations: Evaluation[];
  /** The minibatch loss of every iteration. */
  loss: Float32Array;
  /** Accuracy of the final weights. */
  final: { trainAccuracy: number; testAccuracy: number };
  seconds: { train: number; evaluate: number };
  /** Where the run ended, to save as a checkpoint that a longer run can resume from. */
  end: ResumePoint;
}

/** The loss stopped being a finite number: the run diverged. */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
  constructor(
    readonly iteration: number,
    readonly loss: number,
  ) {
    super(`loss became ${loss} at iteration ${iteration}`);
  }
}

export function train(
  net: LayerNet,
  optimizer: Optimizer,
  data: { train: Dataset; test: Dataset },
  rng: Rng,
  options: TrainOptions,
  events: TrainEvents = {},
): TrainResult {
  const { iterations, batchSize, evalEvery, sampling = 'replacement', resume } = options;
  const startIteration = resume?.iteration ?? 0;
  if (!(Number.isSafeInteger(startIteration) && startIteration >= 0 && startIteration <= iterations)) {
    throw new Error(`train: cannot resume at iteration ${startIteration} of ${iterations}`);
  }
  const trainSet = data.train;
  const trainSize = trainSet.images.rows;
  if (trainSize === 0) throw new Error('train: the training set is empty');
  const itersPerEpoch = Math.max(trainSize / batchSize, 1);
  const params = net.params();
  const loss = new Float32Array(iterations);
  const evaluations: Evaluation[] = [];
  const batch = new BatchSampler(trainSet, batchSize, sampling, rng);
  if (resume) {
    loss.set(Array.from(resume.loss).slice(0, startIteration));
    evaluations.push(...resume.evaluations);
    if (resume.sampler) batch.setState(resume.sampler);
  }
  const start = now();
  let evaluateSeconds = 0;

  const evaluate = (): { trainAccuracy: number; testAccuracy: number } => {
    const t0 = now();
    const trainAccuracy = net.accuracy(trainSet.images, trainSet.labels);
    const testAccuracy = net.accuracy(data.test.images, data.test.labels);
    evaluateSeconds += now() - t0;
    return { trainAccuracy, testAccuracy };
  };

  for (let i = startIteration; i < iterations; i++) {
    // A resumed run's evaluation at its first iteration is already among resume.evaluations.
    if (evalEvery > 0 && i % evalEvery === 0 && (i > startIteration || !resume)) {
      const evaluation = { epoch: i / itersPerEpoch, iteration: i, ...evaluate(), elapsed: now() - start };
      evaluations.push(evaluation);
      events.onEvaluation?.(evaluation, { iteration: i, loss: loss.subarray(0, i), evaluations: [...evaluations], sampler: batch.state() });
    }
    const { x, t } = batch.next();
    const batchLoss = net.backprop(x, t);
    if (!Number.isFinite(batchLoss)) throw new DivergenceError(i, batchLoss);
    optimizer.update(params);
    loss[i] = batchLoss;
    events.onIteration?.(i, batchLoss);
  }
  const final = evaluate();
  const total = now() - start;
  const end = { iteration: iterations, loss, evaluations: [...evaluations], sampler: batch.state() };
  return { evaluations, loss, final, seconds: { train: total - evaluateSeconds, evaluate: evaluateSeconds }, end };
}

/** A shuffle sampler's place in its epoch (a replacement sampler has no state besides its rng). */
export interface SamplerState {
  readonly order?: Int32Array;
  readonly cursor: number;
}

/** Copies minibatches out of a dataset into buffers it reuses. */
export class BatchSampler {
  private x: Tensor | undefined;
  private readonly t: Uint8Array;
  private readonly order: Int32Array | undefined;
  private cursor = 0;

  constructor(
    private readonly set: Dataset,
    private readonly batchSize: number,
    private readonly sampling: 'replacement' | 'shuffle',
    private readonly rng: Rng,
  ) {
    this.t = new Uint8Array(batchSize);
    if (sampling === 'shuffle') {
      this.order = Int32Array.from({ length: set.images.rows }, (_, i) => i);
      this.cursor = this.order.length;
    }
  }

  state(): SamplerState {
    return { order: this.order?.slice(), cursor: this.cursor };
  }

  setState(state: SamplerState): void {
    if (!this.order) return;
    const n = this.order.length;
    if (!state.order || state.order.length !== n || !(Number.isInteger(state.cursor) && state.cursor >= 0 && state.cursor <= n)) {
      throw new Error(`BatchSampler: saved shuffle state does not fit a set of ${n} examples`);
    }
    const seen = new Uint8Array(n);
    for (const index of state.order) {
      if (!(index >= 0 && index < n) || seen[index]) throw new Error('BatchSampler: saved shuffle order is not a permutation');
      seen[index] = 1;
    }
    this.order.set(state.order);
    this.cursor = state.cursor;
  }

  next(): { x: Tensor; t: Uint8Array } {
    const images = this.set.images;
    const rows = images.rows;
    const width = images.cols;
    const x = (this.x = reuse(this.x, [this.batchSize, ...images.shape.slice(1)], images.dtype));
    for (let b = 0; b < this.batchSize; b++) {
      const index = this.nextIndex(rows);
      x.data.set(images.data.subarray(index * width, (index + 1) * width), b * width);
      this.t[b] = this.set.labels[index]!;
    }
    return { x, t: this.t };
  }

  private nextIndex(rows: number): number {
    if (!this.order) return this.rng.int(rows);
    if (this.cursor >= this.order.length) {
      this.rng.shuffle(this.order);
      this.cursor = 0;
    }
    return this.order[this.cursor++]!;
  }
}

function now(): number {
  return performance.now() / 1000;
}
