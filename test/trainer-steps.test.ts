// trainSteps stopped after any iteration (what `scratchnet train` does on Ctrl-C): the step's
// checkpoint is the state the next iteration starts from, so resuming from it ends with the
// weights of a run that never stopped, epoch ends (evaluation, learning-rate decay) included.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModelFile, netTensors, saveModel } from '../src/io/model-file.js';
import { decodeTrainingState, encodeTrainingState } from '../src/io/training-state.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { buildNet, type SpecNet } from '../src/nets/spec.js';
import { createOptimizer } from '../src/optim/factory.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { Rng } from '../src/tensor/rng.js';
import { checkpointState, layerRandomStreams, restoreCheckpoint } from '../src/train/checkpoint.js';
import { train, trainSteps, type TrainOptions, type TrainResult } from '../src/train/trainer.js';
import { syntheticSet } from './helpers/synthetic-set.js';
const data = { train: syntheticSet(40, 1, 12), test: syntheticSet(15, 2, 12) };
const spec = multiLayerSpec({ inputSize: 12, hiddenSizes: [8], outputSize: 3, dropout: 0.2 });
const everything = (net: SpecNet) => netTensors(net).map(([name, t]) => [name, Array.from(t.data)]);

function fresh(): { net: SpecNet; rng: Rng; optimizer: Optimizer } {
  const rng = new Rng(6);
  return { net: buildNet(spec, { rng, init: 'he' }), rng, optimizer: createOptimizer('momentum', { lr: 0.05 }) };
}

/** Trains with the learning rate halved at every epoch end, as `--lr-decay 0.5`. */
function run(r: ReturnType<typeof fresh>, options: TrainOptions) {
  return trainSteps(r.net, r.optimizer, data, r.rng, options, { onEpochEnd: () => (r.optimizer.lr *= 0.5) });
}

for (const options of [{ epochs: 3, batchSize: 10 }, { iterations: 14, batchSize: 10, evalEvery: 4 }] as TrainOptions[]) {
  describe(`trainSteps stopped after any iteration (${options.epochs ? 'epochs' : 'iterations'})`, () => {
    it('resumes from the step\'s checkpoint to the uninterrupted run\'s weights, loss and evaluations', () => {
      const straight = fresh();
      const steps = run(straight, options);
      let step = steps.next();
      while (!step.done) step = steps.next();
      const reference: TrainResult = step.value;
      const total = reference.loss.length;
      for (let stopAfter = 1; stopAfter < total; stopAfter++) {
        const first = fresh();
        const stepping = run(first, options);
        let at = stepping.next();
        for (let i = 1; i < stopAfter; i++) at = stepping.next();
        assert.ok(!at.done && at.value.iteration === stopAfter - 1);
        const point = at.value.checkpoint();
        assert.equal(point.iteration, stopAfter);
        const saved = { model: saveModel(first.net), state: encodeTrainingState(checkpointState(point, first.optimizer, { training: first.rng, ...layerRandomStreams(first.net) })) };

        const rng = new Rng(99);
        const model = loadModelFile(saved.model, 'model', { rng });
        const optimizer = createOptimizer('momentum', { lr: 1 });
        const resume = restoreCheckpoint(decodeTrainingState(saved.state), optimizer, { training: rng, ...layerRandomStreams(model.net) });
        const resumed = train(model.net, optimizer, data, rng, { ...options, resume }, { onEpochEnd: () => (optimizer.lr *= 0.5) });
        assert.deepEqual(everything(model.net), everything(straight.net), `stopped after ${stopAfter}`);
        assert.deepEqual(Array.from(resumed.loss), Array.from(reference.loss));
        assert.deepEqual(resumed.evaluations.map((e) => [e.iteration, e.trainAccuracy, e.testAccuracy]), reference.evaluations.map((e) => [e.iteration, e.trainAccuracy, e.testAccuracy]));
      }
    });
  });
}
