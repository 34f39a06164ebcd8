// Evaluations handed to a BackgroundEvaluator (trainer.ts): the same numbers as evaluations
// made in place, each reported once done with a checkpoint that holds it; epoch ends at their
// own iteration; at most MAX_PENDING_EVALUATIONS under way; a stopped run's checkpoint waits
// for them, and a resumed run makes an evaluation that its checkpoint did not yet hold.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { netTensors } from '../src/io/model-file.js';
import type { LayerNet } from '../src/nets/layer-net.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { buildNet, type SpecNet } from '../src/nets/spec.js';
import { createOptimizer } from '../src/optim/factory.js';
import { Rng } from '../src/tensor/rng.js';
import { type Accuracies, type BackgroundEvaluator, MAX_PENDING_EVALUATIONS } from '../src/train/background-evaluator.js';
import { DatasetAccuracy } from '../src/train/dataset-accuracy.js';
import { type Evaluation, type ResumePoint, train, trainSteps, type TrainOptions } from '../src/train/trainer.js';
import { syntheticSet } from './helpers/synthetic-set.js';
const data = { train: syntheticSet(60, 1, 12), test: syntheticSet(25, 2, 12) };
const spec = multiLayerSpec({ inputSize: 12, hiddenSizes: [8], outputSize: 3, dropout: 0.2 });

/**
 * Evaluates on its own net, from the weights copied at submit time, and lets each result out
 * only after `delay` calls of take(0) (a waiting take lets out as many as it waits for).
 */
class DelayedEvaluator implements BackgroundEvaluator {
  readonly copy: SpecNet = buildNet(spec, { rng: new Rng(0) });
  private readonly accuracy = new DatasetAccuracy(this.copy);
  private readonly queue: { result: Accuracies; polls: number }[] = [];
  submitted = 0;
  mostUnderWay = 0;

  constructor(private readonly delay: number) {}

  submit(net: LayerNet, limit: number): void {
    const targets = netTensors(this.copy);
    netTensors(net).forEach(([, tensor], i) => targets[i]![1].data.set(tensor.data));
    const count = (set: Dataset) => Math.min(set.labels.length, limit);
    this.queue.push({ result: { trainAccuracy: this.accuracy.of(data.train, count(data.train)), testAccuracy: this.accuracy.of(data.test, count(data.test)) }, polls: 0 });
    this.submitted++;
    this.mostUnderWay = Math.max(this.mostUnderWay, this.queue.length);
  }

  finished = 0;

  finish(): void {
    assert.equal(this.queue.length, 0, 'every evaluation is taken before finish()');
    this.finished++;
  }

  take(atLeast: number): Accuracies[] {
    assert.ok(atLeast <= this.queue.length || atLeast <= 0, `waits for ${atLeast} of ${this.queue.length}`);
    for (const item of this.queue) item.polls++;
    let ready = 0;
    while (ready < this.queue.length && (ready < atLeast || this.queue[ready]!.polls > this.delay)) ready++;
    return this.queue.splice(0, ready).map((item) => item.result);
  }
}

function fresh() {
  const rng = new Rng(6);
  return { net: buildNet(spec, { rng, init: 'he' }), rng, optimizer: createOptimizer('momentum', { lr: 0.05 }) };
}

interface Reported {
  evaluation: Evaluation;
  checkpoint: ResumePoint;
  /** The last iteration done when it was reported. */
  after: number;
}

function run(options: TrainOptions) {
  const r = fresh();
  const reported: Reported[] = [];
  const epochEnds: [number, number, boolean][] = [];
  const ends: { point: ResumePoint; reportedBefore: number }[] = [];
  let last = -1;
  const result = train(r.net, r.optimizer, data, r.rng, options, {
    onIteration: (i) => (last = i),
    onEvaluation: (evaluation, checkpoint) => reported.push({ evaluation, checkpoint, after: last }),
    onEpochEnd: (epoch, evaluation) => {
      epochEnds.push([epoch, last, evaluation !== undefined]);
      r.optimizer.lr *= 0.5;
    },
    onTrainingEnd: (point) => ends.push({ point, reportedBefore: reported.length }),
  });
  const numbers = (e: Evaluation) => [e.iteration, e.epoch, e.trainAccuracy, e.testAccuracy];
  return { result, reported, epochEnds, ends, numbers: result.evaluations.map(numbers), weights: r.net.params().map((p) => Array.from(p.value.data)) };
}

describe('trainer: evaluations beside training', () => {
  for (const mode of ['iterations', 'epochs'] as const) {
    const base: TrainOptions = mode === 'iterations' ? { iterations: 40, batchSize: 10, evalEvery: 6 } : { epochs: 4, batchSize: 10, evalAtStart: true };
    it(`${mode}: the same evaluations, losses, weights and final accuracies as in place`, () => {
      const inPlace = run(base);
      const evaluator = new DelayedEvaluator(3);
      const beside = run({ ...base, evaluator });
      assert.ok(inPlace.numbers.length >= 5);
      assert.deepEqual(beside.numbers, inPlace.numbers);
      assert.deepEqual(beside.result.loss, inPlace.result.loss);
      assert.deepEqual(beside.result.final, inPlace.result.final);
      assert.deepEqual(beside.weights, inPlace.weights);
      assert.deepEqual(beside.epochEnds.map(([epoch, after]) => [epoch, after]), inPlace.epochEnds.map(([epoch, after]) => [epoch, after]), 'epoch ends at the same iteration');
      // An epoch end brings its evaluation only when it is made in place (or is the final one).
      assert.ok(inPlace.epochEnds.every(([, , has]) => has === (mode === 'epochs')));
      assert.deepEqual(beside.epochEnds.map(([, , has]) => has), beside.epochEnds.map(([epoch]) => mode === 'epochs' && epoch === 4));
      assert.ok(evaluator.mostUnderWay <= MAX_PENDING_EVALUATIONS);
      assert.equal(evaluator.finished, 1, 'told once that none will follow');
      // The training's end comes once, after every evaluation but the final one.
      for (const { ends, result } of [inPlace, beside]) {
        assert.equal(ends.length, 1);
        const [{ point, reportedBefore }] = ends as [(typeof ends)[0]];
        assert.equal(point.iteration, result.loss.length);
        assert.deepEqual(point.loss, result.loss);
        const beforeFinal = mode === 'epochs' ? result.evaluations.slice(0, -1) : result.evaluations;
        assert.deepEqual(point.evaluations, beforeFinal);
        assert.equal(reportedBefore, beforeFinal.length);
      }
    });
  }

  it('reports each evaluation later, with a checkpoint past it that holds it', () => {
    const { reported } = run({ iterations: 40, batchSize: 10, evalEvery: 6, evaluator: new DelayedEvaluator(3) });
    for (const { evaluation, checkpoint, after } of reported) {
      assert.ok(after >= evaluation.iteration + 2, `evaluation at ${evaluation.iteration} reported after iteration ${after}`);
      assert.equal(checkpoint.iteration, after + 1, 'the checkpoint is where the run stands');
      assert.deepEqual(checkpoint.evaluations.at(-1), evaluation);
    }
    assert.deepEqual(reported.map((r) => r.evaluation.iteration), [0, 6, 12, 18, 24, 30, 36]);
  });

  it('waits for the oldest evaluation when more would be under way', () => {
    const evaluator = new DelayedEvaluator(1000);
    const { reported } = run({ iterations: 30, batchSize: 10, evalEvery: 2, evaluator });
    assert.equal(evaluator.mostUnderWay, MAX_PENDING_EVALUATIONS);
    assert.equal(reported.length, 15, 'every evaluation is reported in the end');
  });

  it("a step's checkpoint holds the evaluations still under way", () => {
    const r = fresh();
    const steps = trainSteps(r.net, r.optimizer, data, r.rng, { iterations: 40, batchSize: 10, evalEvery: 6, evaluator: new DelayedEvaluator(1000) });
    let step = steps.next();
    while (!step.done && step.value.iteration < 13) step = steps.next();
    assert.ok(!step.done);
    assert.deepEqual(step.value.checkpoint().evaluations.map((e) => e.iteration), [0, 6, 12]);
  });

  it('a run resumed where its evaluation was still under way makes that evaluation first', () => {
    const first = fresh();
    const whole = train(first.net, first.optimizer, data, first.rng, { iterations: 24, batchSize: 10, evalEvery: 6 });
    // Stop after iteration 11: the checkpoint at 12, without the evaluation at 12.
    const r = fresh();
    const steps = trainSteps(r.net, r.optimizer, data, r.rng, { iterations: 24, batchSize: 10, evalEvery: 6 });
    let step = steps.next();
    while (!step.done && step.value.iteration < 11) step = steps.next();
    assert.ok(!step.done);
    const point = step.value.checkpoint();
    const withoutIt = { ...point, evaluations: point.evaluations.filter((e) => e.iteration < 12) };
    const resumed = train(r.net, r.optimizer, data, r.rng, { iterations: 24, batchSize: 10, evalEvery: 6, resume: withoutIt });
    const numbers = (e: Evaluation) => [e.iteration, e.trainAccuracy, e.testAccuracy];
    assert.deepEqual(resumed.evaluations.map(numbers), whole.evaluations.map(numbers));
    assert.deepEqual(resumed.loss, whole.loss);
  });
});
