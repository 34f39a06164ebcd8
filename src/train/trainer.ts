// The training loop of the book's chapter 5, with events instead of prints:
//   repeat: draw a minibatch → backprop → optimizer step;
//   every `evalEvery` iterations (and at iteration 0): accuracy on the full train and test sets.
// Or, as the book's chapter 7 Trainer: a number of epochs, each a fresh shuffle of the
// training set, with an evaluation after every epoch.

import { type Dataset, imageCount, sampleShapeOf } from '../data/dataset.js';
import { gatherImages } from '../data/image-rows.js';
import type { LayerNet } from '../nets/layer-net.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { DatasetAccuracy } from './dataset-accuracy.js';
import { type DType, Tensor } from '../tensor/tensor.js';

export interface TrainOptions {
  /** Minibatch steps. Give this or `epochs`. */
  iterations?: number;
  /**
   * Passes over the training set, ⌈N / batchSize⌉ iterations each, sampling 'shuffle' unless
   * given; evaluates at the end of every epoch (the last of those is `final`) and not by `evalEvery`.
   * (When batchSize does not divide N, an epoch's last batch takes its rest from the next shuffle.)
   */
  epochs?: number;
  batchSize: number;
  /** Iterations mode: evaluate at iteration 0 and every this many iterations after it; 0 = never. */
  evalEvery?: number;
  /** Epochs mode: also evaluate before the first iteration (epoch 0). */
  evalAtStart?: boolean;
  /**
   * Evaluate all but the final accuracies on the first this many train and test examples
   * (the book's Trainer does this with 1000); the final evaluation always uses every example.
   */
  evalSamples?: number;
  /**
   * 'replacement': every batch is drawn uniformly with replacement (the book's loop);
   * 'shuffle': epochs over a fresh permutation, without replacement.
   */
  sampling?: 'replacement' | 'shuffle';
  /** Continue a run from a checkpoint taken at `resume.iteration` (the net, optimizer and rng restored by the caller). */
  resume?: ResumePoint;
}

/** Where a checkpointed run stood after `iteration` updates: what the trainer carries across iterations. */
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
  /** After each minibatch step (batch end). */
  onIteration?(iteration: number, loss: number): void;
  /** After each evaluation (and its epoch's onEpochEnd): `checkpoint` is where the run stands then, for saving. */
  onEvaluation?(evaluation: Evaluation, checkpoint: ResumePoint): void;
  /** After the last batch of each pass over the training set (epoch counts from 1); with its evaluation if one was made. */
  onEpochEnd?(epoch: number, evaluation: Evaluation | undefined): void;
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

/** Where a stepped run stands after an iteration, with that iteration's evaluation and epoch end done. */
export interface TrainStep {
  /** The iteration just done (0-based). */
  readonly iteration: number;
  /** The run so far as a checkpoint: the state the next iteration starts from. */
  checkpoint(): ResumePoint;
  /** Seconds spent so far, training (without evaluations) and evaluating. */
  seconds(): { train: number; evaluate: number };
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

  /** The message for the user; `learningRate` names the rate that was too high (e.g. "--lr 0.5"). */
  advice(learningRate: string): string {
    return `${learningRate}: ${this.message}; the run diverged, try a smaller learning rate`;
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
  const steps = trainSteps(net, optimizer, data, rng, options, events);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same run as `train`, one iteration per `next()`: it yields where the run stands after
 * the iteration just done (after its events, including an evaluation due before the next
 * one), so a caller can pause between iterations (the page's worker does) or stop and save
 * (`scratchnet train` on Ctrl-C). The run's numbers do not depend on how it is stepped.
 */
export function* trainSteps(
  net: LayerNet,
  optimizer: Optimizer,
  data: { train: Dataset; test: Dataset },
  rng: Rng,
  options: TrainOptions,
  events: TrainEvents = {},
): Generator<TrainStep, TrainResult, void> {
  const { batchSize, epochs } = options;
  const trainSet = data.train;
  const trainSize = imageCount(trainSet);
  if (trainSize === 0) throw new Error('train: the training set is empty');
  const byEpochs = epochs !== undefined;
  if (byEpochs === (options.iterations !== undefined)) throw new Error('train: give either iterations or epochs');
  // Iterations mode keeps the book's fractional epochs; epochs mode has a whole number of batches per epoch.
  const itersPerEpoch = byEpochs ? Math.ceil(trainSize / batchSize) : Math.max(trainSize / batchSize, 1);
  const iterations = byEpochs ? epochs * itersPerEpoch : options.iterations!;
  // Epochs mode evaluates when an epoch's last batch is done, i.e. before the next epoch's first.
  const evalEvery = byEpochs ? itersPerEpoch : (options.evalEvery ?? 0);
  const evalAtStart = byEpochs ? options.evalAtStart === true : true;
  const sampling = options.sampling ?? (byEpochs ? 'shuffle' : 'replacement');
  const params = net.params();
  const loss = new Float32Array(iterations);
  const evaluations: Evaluation[] = [];
  const batch = new BatchSampler(trainSet, batchSize, sampling, rng);
  const resume = options.resume;
  const startIteration = resume?.iteration ?? 0;
  if (!(Number.isSafeInteger(startIteration) && startIteration >= 0 && startIteration <= iterations)) {
    throw new Error(`train: cannot resume at iteration ${startIteration} of ${iterations}`);
  }
  if (resume) {
    loss.set(Array.from(resume.loss).slice(0, startIteration));
    evaluations.push(...resume.evaluations);
    if (resume.sampler) batch.setState(resume.sampler);
  }
  const checkpoint = (iteration: number): ResumePoint => ({ iteration, loss: loss.subarray(0, iteration), evaluations: [...evaluations], sampler: batch.state() });
  const start = now();
  let evaluateSeconds = 0;

  const accuracy = new DatasetAccuracy(net);
  const evaluate = (all: boolean): { trainAccuracy: number; testAccuracy: number } => {
    const t0 = now();
    const limit = all ? Infinity : (options.evalSamples ?? Infinity);
    const trainAccuracy = accuracy.of(trainSet, Math.min(trainSize, limit));
    const testAccuracy = accuracy.of(data.test, Math.min(imageCount(data.test), limit));
    evaluateSeconds += now() - t0;
    return { trainAccuracy, testAccuracy };
  };
  const record = (iteration: number, accuracies: { trainAccuracy: number; testAccuracy: number }): Evaluation => {
    const evaluation = { epoch: iteration / itersPerEpoch, iteration, ...accuracies, elapsed: now() - start };
    evaluations.push(evaluation);
    // NOTE: epoch end first (it may decay the learning rate), so that the checkpoint handed to
    // onEvaluation is the state the next iteration starts from.
    if (byEpochs && iteration > 0) events.onEpochEnd?.(evaluation.epoch, evaluation);
    events.onEvaluation?.(evaluation, checkpoint(iteration));
    return evaluation;
  };

  const seconds = (): { train: number; evaluate: number } => ({ train: now() - start - evaluateSeconds, evaluate: evaluateSeconds });
  // NOTE: an evaluation due at iteration i is made right after iteration i − 1, so that every
  // step (and every checkpoint) is the state iteration i starts from. A resumed run's
  // evaluation at its first iteration is already among resume.evaluations.
  if (evalEvery > 0 && evalAtStart && !resume && iterations > 0) record(0, evaluate(false));
  for (let i = startIteration; i < iterations; i++) {
    const { x, t } = batch.next();
    const batchLoss = net.backprop(x, t);
    if (!Number.isFinite(batchLoss)) throw new DivergenceError(i, batchLoss);
    optimizer.update(params);
    loss[i] = batchLoss;
    events.onIteration?.(i, batchLoss);
    if (!byEpochs && Math.floor((i + 1) / itersPerEpoch) > Math.floor(i / itersPerEpoch)) {
      events.onEpochEnd?.(Math.floor((i + 1) / itersPerEpoch), undefined);
    }
    const next = i + 1;
    if (evalEvery > 0 && next % evalEvery === 0 && next < iterations) record(next, evaluate(false));
    yield { iteration: i, checkpoint: () => checkpoint(next), seconds };
  }
  const final = evaluate(true);
  // Epochs mode: the final evaluation is also the last epoch's.
  if (byEpochs && iterations > 0) record(iterations, final);
  return { evaluations, loss, final, seconds: seconds(), end: checkpoint(iterations) };
}

/** A shuffle sampler's place in its epoch (a replacement sampler has no state besides its rng). */
export interface SamplerState {
  readonly order?: Int32Array;
  readonly cursor: number;
}

/** Copies minibatches out of a dataset into buffers it reuses. */
export class BatchSampler {
  private x: Tensor | undefined;
  /** The set's size, and the batch's shape and element type: fixed for the sampler's life. */
  private readonly rows: number;
  private readonly shape: readonly number[];
  private readonly dtype: DType;
  private readonly t: Uint8Array;
  private readonly indices: Int32Array;
  private readonly order: Int32Array | undefined;
  private cursor = 0;

  constructor(
    private readonly set: Dataset,
    private readonly batchSize: number,
    sampling: 'replacement' | 'shuffle',
    private readonly rng: Rng,
  ) {
    this.rows = imageCount(set);
    this.shape = [batchSize, ...sampleShapeOf(set)];
    this.dtype = set.pixels ? 'float32' : set.images.dtype;
    this.t = new Uint8Array(batchSize);
    this.indices = new Int32Array(batchSize);
    if (sampling === 'shuffle') {
      this.order = Int32Array.from({ length: this.rows }, (_, i) => i);
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
    // Allocated on first use (by then the backend that takes new tensors is the active one).
    const x = (this.x ??= Tensor.zeros(this.shape, this.dtype));
    for (let b = 0; b < this.batchSize; b++) {
      const index = this.nextIndex(this.rows);
      this.indices[b] = index;
      this.t[b] = this.set.labels[index]!;
    }
    gatherImages(this.set, this.indices, x.data);
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
