// A run stopped at a checkpoint and resumed must end with exactly the weights of a run that
// never stopped: same batches, same optimizer state, same random numbers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModelFile, saveModel } from '../src/io/model-file.js';
import { decodeTrainingState, encodeTrainingState } from '../src/io/training-state.js';
import type { SpecNet } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { checkpointState, layerRandomStreams, restoreCheckpoint } from '../src/train/checkpoint.js';
import { buildNet } from '../src/nets/spec.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { createOptimizer } from '../src/optim/factory.js';
import { netTensors } from '../src/io/model-file.js';
import { train, type TrainOptions } from '../src/train/trainer.js';
import { syntheticSet } from './helpers/synthetic-set.js';
const data = { train: syntheticSet(90, 1, 16), test: syntheticSet(30, 2, 16) };

function freshRun(seed: number): { net: TwoLayerNet; rng: Rng; optimizer: SGD } {
  const rng = new Rng(seed);
  return { net: new TwoLayerNet({ inputSize: 16, hiddenSize: 8, outputSize: 3, rng, weightInitStd: 0.3 }), rng, optimizer: new SGD(0.2) };
}

function weights(net: SpecNet): number[][] {
  return net.params().map((p) => Array.from(p.value.data));
}

for (const sampling of ['replacement', 'shuffle'] as const) {
  describe(`resume (${sampling} sampling)`, () => {
    const options: TrainOptions = { iterations: 50, batchSize: 7, evalEvery: 20, sampling };

    it('a run resumed from its iteration-20 checkpoint ends with the same weights, loss and evaluations', () => {
      const straight = freshRun(5);
      const reference = train(straight.net, straight.optimizer, data, straight.rng, options);

      // The first run is stopped right after saving its checkpoint at iteration 20.
      const first = freshRun(5);
      let saved: { model: Uint8Array; state: Uint8Array } | undefined;
      class Stop extends Error {}
      assert.throws(
        () =>
          train(first.net, first.optimizer, data, first.rng, options, {
            onEvaluation: (evaluation, checkpoint) => {
              if (evaluation.iteration !== 20) return;
              saved = { model: saveModel(first.net, { iteration: 20 }), state: encodeTrainingState(checkpointState(checkpoint, first.optimizer, { training: first.rng })) };
              throw new Stop();
            },
          }),
        Stop,
      );

      // A new process: nothing but the two files and the same settings.
      const rng = new Rng(999); // the seed no longer matters: the stream's state comes from the file
      const model = loadModelFile(saved!.model, 'model', { rng });
      const optimizer = new SGD(0.2);
      const resume = restoreCheckpoint(decodeTrainingState(saved!.state), optimizer, { training: rng });
      assert.equal(resume.iteration, 20);
      const resumed = train(model.net, optimizer, data, rng, { ...options, resume });

      assert.deepEqual(weights(model.net), weights(straight.net));
      assert.deepEqual(Array.from(resumed.loss), Array.from(reference.loss));
      assert.deepEqual(resumed.evaluations.map((e) => [e.iteration, e.trainAccuracy, e.testAccuracy]), reference.evaluations.map((e) => [e.iteration, e.trainAccuracy, e.testAccuracy]));
      assert.deepEqual(resumed.final, reference.final);
    });

    it('a run resumed from its end continues to a longer run\'s weights', () => {
      const long = freshRun(8);
      train(long.net, long.optimizer, data, long.rng, { ...options, iterations: 70 });
      const short = freshRun(8);
      const result = train(short.net, short.optimizer, data, short.rng, options);
      const state = decodeTrainingState(encodeTrainingState(checkpointState(result.end, short.optimizer, { training: short.rng })));
      const rng = new Rng(0);
      const model = loadModelFile(saveModel(short.net), 'model', { rng });
      const optimizer = new SGD(0.2);
      train(model.net, optimizer, data, rng, { ...options, iterations: 70, resume: restoreCheckpoint(state, optimizer, { training: rng }) });
      assert.deepEqual(weights(model.net), weights(long.net));
    });
  });
}

describe('resume: an MLP with batch norm and dropout, trained by Adam, in epochs', () => {
  const spec = multiLayerSpec({ inputSize: 16, hiddenSizes: [10, 8], outputSize: 3, batchNorm: true, dropout: 0.25 });
  const options: TrainOptions = { epochs: 6, batchSize: 8 };
  const fresh = () => {
    const rng = new Rng(4);
    return { net: buildNet(spec, { rng, init: 'he' }), rng, optimizer: createOptimizer('adam', { lr: 0.01 }) };
  };
  const everything = (net: SpecNet) => netTensors(net).map(([name, t]) => [name, Array.from(t.data)]);

  it('resumed after epoch 2 ends with the same weights, running statistics, Adam state and loss', () => {
    const straight = fresh();
    const reference = train(straight.net, straight.optimizer, data, straight.rng, options);

    const first = fresh();
    let saved: { model: Uint8Array; state: Uint8Array } | undefined;
    class Stop extends Error {}
    assert.throws(() =>
      train(first.net, first.optimizer, data, first.rng, options, {
        onEvaluation: (evaluation, checkpoint) => {
          if (evaluation.epoch !== 2) return;
          saved = { model: saveModel(first.net, { iteration: checkpoint.iteration }), state: encodeTrainingState(checkpointState(checkpoint, first.optimizer, { training: first.rng, ...layerRandomStreams(first.net) })) };
          throw new Stop();
        },
      }),
    Stop);

    const rng = new Rng(123);
    const model = loadModelFile(saved!.model, 'model', { rng });
    const optimizer = createOptimizer('adam', { lr: 0.01 });
    const resume = restoreCheckpoint(decodeTrainingState(saved!.state), optimizer, { training: rng, ...layerRandomStreams(model.net) });
    const resumed = train(model.net, optimizer, data, rng, { ...options, resume });

    assert.deepEqual(everything(model.net), everything(straight.net));
    assert.deepEqual(Object.keys(optimizer.state()), Object.keys(straight.optimizer.state()));
    for (const [key, t] of Object.entries(optimizer.state())) assert.deepEqual(Array.from(t.data), Array.from(straight.optimizer.state()[key]!.data), key);
    assert.deepEqual(Array.from(resumed.loss), Array.from(reference.loss));
    assert.deepEqual(resumed.evaluations.map((e) => e.iteration), reference.evaluations.map((e) => e.iteration));
  });

  it('without the dropout streams the resumed run would differ (the test can fail)', () => {
    const first = fresh();
    const result = train(first.net, first.optimizer, data, first.rng, { ...options, epochs: 2 });
    const state = decodeTrainingState(encodeTrainingState(checkpointState(result.end, first.optimizer, { training: first.rng })));
    const rng = new Rng(0);
    const model = loadModelFile(saveModel(first.net), 'model', { rng });
    const optimizer = createOptimizer('adam', { lr: 0.01 });
    train(model.net, optimizer, data, rng, { ...options, resume: restoreCheckpoint(state, optimizer, { training: rng }) });
    const straight = fresh();
    train(straight.net, straight.optimizer, data, straight.rng, options);
    assert.notDeepEqual(everything(model.net), everything(straight.net));
  });
});

describe('resume: a state that does not fit is refused', () => {
  const run = freshRun(1);
  const result = train(run.net, run.optimizer, data, run.rng, { iterations: 10, batchSize: 5, evalEvery: 0, sampling: 'shuffle' });
  const state = checkpointState(result.end, run.optimizer, { training: run.rng });

  it('another optimizer', () => {
    assert.throws(() => restoreCheckpoint(state, { name: 'adam', lr: 0.1, update() {} } as never, { training: new Rng(1) }), /saved by optimizer "sgd", this run uses "adam"/);
  });
  it('a missing random stream', () => {
    assert.throws(() => restoreCheckpoint(state, new SGD(0.1), { training: new Rng(1), dropout: new Rng(2) }), /no state for the random stream "dropout"/);
  });
  it('a shuffle order for another data set', () => {
    const resume = restoreCheckpoint(state, new SGD(0.1), { training: new Rng(1) });
    const small = { train: syntheticSet(40, 3, 16), test: data.test };
    assert.throws(() => train(freshRun(1).net, new SGD(0.1), small, new Rng(1), { iterations: 20, batchSize: 5, evalEvery: 0, sampling: 'shuffle', resume }), /saved shuffle state does not fit a set of 40 examples/);
  });
});
