// The training loop of the book's chapter 5, with events instead of prints:
//   repeat: draw a minibatch → backprop → optimizer step;
//   every `evalEvery` iterations (and at iteration 0): accuracy on the full train and test sets.
// Or, as the book's chapter 7 Trainer: a number of epochs, each a fresh shuffle of the
// training set, with an evaluation after every epoch.

import { type Dataset, imageCount } from '../data/dataset.js';
import type { LayerNet } from '../nets/layer-net.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { type Accuracies, type BackgroundEvaluator, MAX_PENDING_EVALUATIONS } from './background-evaluator.js';
import { BatchSampler, type SamplerState } from './batch-sampler.js';
import { DatasetAccuracy } from './dataset-accuracy.js';

export { BatchSampler, type SamplerState } from './batch-sampler.js';

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
  /**
   * Make the evaluations on another thread while training goes on (see background-evaluator.ts):
   * each is reported (onEvaluation) once done, a few iterations after its own; the final one is
   * waited for. Same numbers as without.
   */
  evaluator?: BackgroundEvaluator;
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
  /**
   * After each evaluation (and its epoch's onEpochEnd): `checkpoint` is where the run stands then,
   * for saving. With an `evaluator`, when the evaluation is done: the checkpoint is then a few
   * iterations past the evaluation's own, and holds it in its history.
   */
  onEvaluation?(evaluation: Evaluation, checkpoint: ResumePoint): void;
  /**
   * After the last batch of each pass over the training set (epoch counts from 1); with its
   * evaluation if one was made (not yet, with an `evaluator`: onEvaluation brings it later).
   */
  onEpochEnd?(epoch: number, evaluation: Evaluation | undefined): void;
  /**
   * After the last iteration, once every evaluation but the final one is reported: the run as
   * it stands before its final evaluation (which epochs mode records as the last epoch's).
   */
  onTrainingEnd?(point: ResumePoint): void;
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
  /** Seconds spent so far, training (without evaluations) and evaluating (or waiting for an `evaluator`). */
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
  // The next iteration to run: where a checkpoint handed out now stands.
  let position = startIteration;
  const checkpoint = (iteration: number): ResumePoint => ({ iteration, loss: loss.subarray(0, iteration), evaluations: [...evaluations], sampler: batch.state() });
  const start = now();
  let evaluateSeconds = 0;

  const accuracy = new DatasetAccuracy(net);
  const measure = (limit: number): Accuracies => {
    const t0 = now();
    const trainAccuracy = accuracy.of(trainSet, Math.min(trainSize, limit));
    const testAccuracy = accuracy.of(data.test, Math.min(imageCount(data.test), limit));
    evaluateSeconds += now() - t0;
    return { trainAccuracy, testAccuracy };
  };
  const report = (iteration: number, accuracies: Accuracies, elapsed: number, epochEnd: boolean): Evaluation => {
    const evaluation = { epoch: iteration / itersPerEpoch, iteration, ...accuracies, elapsed };
    evaluations.push(evaluation);
    if (epochEnd) events.onEpochEnd?.(evaluation.epoch, evaluation);
    events.onEvaluation?.(evaluation, checkpoint(position));
    return evaluation;
  };

  const { evaluator } = options;
  /** Evaluations handed to the evaluator and not yet reported: their iteration and time. */
  const pending: { iteration: number; elapsed: number }[] = [];
  /** Reports the evaluator's finished evaluations, first waiting until at least `atLeast` are. */
  const collect = (atLeast: number): void => {
    if (!evaluator || pending.length === 0) return;
    const t0 = now();
    const done = evaluator.take(atLeast);
    if (atLeast > 0) evaluateSeconds += now() - t0;
    for (const accuracies of done) {
      const { iteration, elapsed } = pending.shift()!;
      report(iteration, accuracies, elapsed, false);
    }
  };
  /** The evaluation due at `iteration`, made now or handed to the evaluator. */
  const evaluate = (iteration: number): void => {
    const limit = options.evalSamples ?? Infinity;
    // NOTE: epoch end first (it may decay the learning rate), so that the checkpoint handed to
    // onEvaluation is the state the next iteration starts from.
    const epochEnd = byEpochs && iteration > 0;
    if (!evaluator) {
      report(iteration, measure(limit), now() - start, epochEnd);
      return;
    }
    if (epochEnd) events.onEpochEnd?.(iteration / itersPerEpoch, undefined);
    collect(pending.length + 1 - MAX_PENDING_EVALUATIONS);
    evaluator.submit(net, limit);
    pending.push({ iteration, elapsed: now() - start });
  };

  const seconds = (): { train: number; evaluate: number } => ({ train: now() - start - evaluateSeconds, evaluate: evaluateSeconds });
  // NOTE: an evaluation due at iteration i is made right after iteration i − 1, so that every
  // step (and every checkpoint) is the state iteration i starts from. A resumed run's
  // evaluation at its first iteration is among resume.evaluations, unless it was still being
  // made beside training when the checkpoint was taken: then it is made now.
  if (evalEvery > 0 && evalAtStart && !resume && iterations > 0) evaluate(0);
  const due = (iteration: number): boolean => evalEvery > 0 && iteration % evalEvery === 0 && iteration < iterations;
  if (resume && startIteration > 0 && due(startIteration) && !evaluations.some((e) => e.iteration === startIteration)) {
    report(startIteration, measure(options.evalSamples ?? Infinity), now() - start, false);
  }
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
    const next = (position = i + 1);
    if (due(next)) evaluate(next);
    collect(0);
    // A checkpoint waits for the evaluations still being made, so that its history holds them.
    const settled = (): ResumePoint => {
      collect(pending.length);
      return checkpoint(next);
    };
    yield { iteration: i, checkpoint: settled, seconds };
  }
  collect(pending.length);
  evaluator?.finish?.();
  events.onTrainingEnd?.(checkpoint(iterations));
  // The final evaluation, on every example, is made here: nothing is left to overlap it with.
  const final = measure(Infinity);
  // Epochs mode: the final evaluation is also the last epoch's.
  if (byEpochs && iterations > 0) report(iterations, final, now() - start, true);
  return { evaluations, loss, final, seconds: seconds(), end: checkpoint(iterations) };
}

function now(): number {
  return performance.now() / 1000;
}
