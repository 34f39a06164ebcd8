// train's checkpoints written beside training (src/cli/checkpoint-writer.ts): the same files
// as the synchronous writeCheckpoint, taken at the moment of save() and written in order; a
// failed write becomes the run's error, at the next save and at settle().

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CheckpointWriter } from '../src/cli/checkpoint-writer.js';
import { MODEL_FILE, pendingStatePath, writeCheckpoint } from '../src/io/checkpoint-files-node.js';
import { readModelFile, trainingStatePath } from '../src/io/model-files-node.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { tempFolder } from './helpers/mnist-fixture.js';

const root = tempFolder('scratchnet-checkpoint-writer-');
after(() => rmSync(root, { recursive: true, force: true }));

const point = (iteration: number) => ({ iteration, loss: new Float32Array(iteration).fill(0.25), evaluations: [] });
const info = (iteration: number) => ({ config: { run: 'test' }, metrics: { iteration } });

function files(dir: string): { model: Buffer; state: Buffer } {
  const model = join(dir, MODEL_FILE);
  return { model: readFileSync(model), state: readFileSync(trainingStatePath(model)) };
}

describe('CheckpointWriter', () => {
  it('leaves the files writeCheckpoint writes, of the run as it stood at each save, the last one last', async () => {
    const queued = join(root, 'queued');
    const direct = join(root, 'direct');
    mkdirSync(queued);
    mkdirSync(direct);
    const rng = new Rng(5);
    const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, rng });
    const optimizer = new SGD(0.1);
    const writer = new CheckpointWriter(queued, net, optimizer, { training: rng });
    writer.save(point(10), info(10));
    assert.equal(writer.writing, true);
    const first = net.params()[0]!.value.data[0]!;
    // The run goes on (weights and rng move) before the write is done.
    net.params()[0]!.value.data[0] = first + 1;
    rng.nextUint32();
    writer.save(point(20), info(20));
    // What the second checkpoint holds: the run as it stood at its save().
    writeCheckpoint(direct, net, info(20), point(20), optimizer, { training: rng });
    net.params()[0]!.value.data[0] = first + 2;
    await writer.settle();
    assert.equal(writer.writing, false);
    assert.deepEqual(files(queued), files(direct));
    assert.deepEqual(readdirSync(queued).sort(), ['model.optimizer.safetensors', 'model.safetensors']);
    assert.equal(existsSync(pendingStatePath(join(queued, MODEL_FILE))), false);
  });

  it('settle() also waits for the checkpoints saved while it waits', async () => {
    const dir = join(root, 'late');
    mkdirSync(dir);
    const rng = new Rng(7);
    const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, rng });
    const writer = new CheckpointWriter(dir, net, new SGD(0.1), { training: rng });
    writer.save(point(10), info(10));
    const settling = writer.settle();
    writer.save(point(30), info(30));
    await settling;
    assert.equal(writer.writing, false);
    assert.equal(readModelFile(join(dir, MODEL_FILE)).iteration, 30);
  });

  it('a write that fails is the run\'s error, naming the file, at the next save and at settle()', async () => {
    const gone = join(root, 'gone');
    const rng = new Rng(6);
    const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, rng });
    const writer = new CheckpointWriter(gone, net, new SGD(0.1), { training: rng });
    writer.save(point(10), info(10));
    const expected = new RegExp(`^${pendingStatePath(join(gone, MODEL_FILE)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write \\(ENOENT`);
    await assert.rejects(writer.settle(), { message: expected });
    assert.throws(() => writer.save(point(20), info(20)), { message: expected });
    assert.equal(writer.writing, false);
  });
});
