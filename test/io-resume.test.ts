// A run stopped at a checkpoint and resumed must end with exactly the weights of a run that
// never stopped: same batches, same optimizer state, same random numbers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../src/data/dataset.js';
import { loadModelFile, saveModel } from '../src/io/model-file.js';
import { decodeTrainingState, encodeTrainingState } from '../src/io/training-state.js';
import type { SpecNet } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { checkpointState, restoreCheckpoint } from '../src/train/checkpoint.js';
import { train, type TrainOptions } from '../src/train/trainer.js';

function syntheticSet(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const images = Tensor.zeros([rows, 16]);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = rng.int(3);
    for (let j = 0; j < 16; j++) images.data[i * 16 + j] = rng.uniform() + (j % 3 === labels[i] ? 0.5 : 0);
  }
  return { images, labels };
}

const data = { train: syntheticSet(90, 1), test: syntheticSet(30, 2) };

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
    const small = { train: syntheticSet(40, 3), test: data.test };
    assert.throws(() => train(freshRun(1).net, new SGD(0.1), small, new Rng(1), { iterations: 20, batchSize: 5, evalEvery: 0, sampling: 'shuffle', resume }), /saved shuffle state does not fit a set of 40 examples/);
  });
});
