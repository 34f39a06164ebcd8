// `scratchnet train` checkpoints and `--resume`, end to end through the CLI.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pendingStatePath, readCheckpointModel, restoreCheckpointFiles, writeCheckpoint } from '../src/io/checkpoint-files-node.js';
import { readModelFile, trainingStatePath } from '../src/io/model-files-node.js';
import { netTensors } from '../src/io/model-file.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { Rng } from '../src/tensor/rng.js';
import { CLI, runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

const root = tempFolder('scratchnet-resume-');
after(() => rmSync(root, { recursive: true, force: true }));
const data = writeSyntheticMnist(join(root, 'data'), { train: 300, test: 60, size: 8, classes: 4 });
const common = ['--data', data, '--hidden', '12', '--batch', '10', '--eval-every', '20', '--seed', '3', '--backend', 'js'];

function tensors(path: string): Record<string, number[]> {
  return Object.fromEntries(netTensors(readModelFile(path).net).map(([name, t]) => [name, Array.from(t.data)]));
}

async function train(args: string[]): Promise<void> {
  const result = await runCli(['train', ...common, ...args]);
  assert.equal(result.code, 0, result.stderr);
}

describe('train checkpoints and --resume', () => {
  it('writes model.safetensors and its training state; resuming a shorter run ends with the uninterrupted run\'s weights and metrics', async () => {
    const straight = join(root, 'straight');
    const stopped = join(root, 'stopped');
    await train(['--iters', '70', '--out', straight]);
    await train(['--iters', '30', '--out', stopped]);
    assert.ok(existsSync(join(stopped, 'model.optimizer.safetensors')));
    assert.equal(readModelFile(join(stopped, 'model.safetensors')).iteration, 30);

    // Options not given (batch, lr, seed, eval-every) come from the checkpoint; the output goes beside it.
    const resumed = await runCli(['train', '--resume', join(stopped, 'model.safetensors'), '--iters', '70', '--data', data, '--backend', 'js']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(tensors(join(stopped, 'model.safetensors')), tensors(join(straight, 'model.safetensors')));
    const a = JSON.parse(readFileSync(join(straight, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(stopped, 'metrics.json'), 'utf8'));
    assert.deepEqual(b.loss, a.loss);
    assert.deepEqual(b.final, a.final);
    assert.deepEqual(b.evaluations, a.evaluations);
    assert.equal(b.config.resumedFrom.iteration, 30);
    assert.deepEqual(readModelFile(join(stopped, 'model.safetensors')).metrics, { iteration: 70, ...a.final });
  });

  it('an MLP with batch norm, dropout, Adam and a decaying learning rate resumes after epoch 1 to the 3-epoch run\'s weights', async () => {
    const mlp = ['--data', data, '--model', 'mlp', '--hidden', '10,8', '--batch-norm', '--dropout', '0.2', '--lr-decay', '0.5', '--batch', '25', '--seed', '4', '--backend', 'js'];
    const straight = join(root, 'mlp-straight');
    const stopped = join(root, 'mlp-stopped');
    for (const [out, epochs] of [[straight, '3'], [stopped, '1']] as const) {
      const result = await runCli(['train', ...mlp, '--epochs', epochs, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
    }
    const resumed = await runCli(['train', '--resume', join(stopped, 'model.safetensors'), '--epochs', '3', '--data', data, '--backend', 'js']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const expected = tensors(join(straight, 'model.safetensors'));
    assert.ok(Object.keys(expected).includes('runningVar1'));
    assert.deepEqual(tensors(join(stopped, 'model.safetensors')), expected);
    const a = JSON.parse(readFileSync(join(straight, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(stopped, 'metrics.json'), 'utf8'));
    assert.deepEqual(b.loss, a.loss);
    assert.deepEqual(b.final, a.final);
  });

  it('a run killed half-way leaves a checkpoint that loads and resumes to the uninterrupted run\'s weights', async () => {
    const killed = join(root, 'killed');
    const child = spawn(process.execPath, [CLI, 'train', ...common, '--iters', '1000000', '--out', killed], { stdio: 'ignore' });
    const model = join(killed, 'model.safetensors');
    let iteration = 0;
    const deadline = Date.now() + 60000;
    while (iteration < 40 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        iteration = readModelFile(model).iteration ?? 0;
      } catch {
        // not written yet
      }
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const checkpoint = readModelFile(model);
    assert.ok(checkpoint.iteration! >= 40, `checkpoint at iteration ${checkpoint.iteration}`);
    const total = checkpoint.iteration! + 15;
    const resumed = await runCli(['train', '--resume', model, '--iters', String(total), '--data', data, '--backend', 'js']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const straight = join(root, 'straight-killed');
    await train(['--iters', String(total), '--out', straight]);
    assert.deepEqual(tensors(model), tensors(join(straight, 'model.safetensors')));
    // The kill may have left a writer's temporary file (a dot-file); resuming removes it.
    assert.deepEqual(readdirSync(killed).filter((name) => name.endsWith('.tmp')), [], 'no temporary files, hidden ones included');
  });

  it('refuses a model without its training state, and a checkpoint past --iters, in one line', async () => {
    const run = join(root, 'refuse');
    await train(['--iters', '20', '--out', run]);
    const model = join(run, 'model.safetensors');
    const past = await runCli(['train', '--resume', model, '--iters', '10', '--data', data, '--backend', 'js']);
    assert.equal(past.code, 1);
    assert.equal(past.stderr.trim(), 'scratchnet: --iters 10: the checkpoint is already at iteration 20');
    rmSync(join(run, 'model.optimizer.safetensors'));
    const missing = await runCli(['train', '--resume', model, '--data', data, '--backend', 'js']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `scratchnet: ${model}: cannot resume without its training state ${join(run, 'model.optimizer.safetensors')}`);
  });

  it('finds the matching training state when a run was killed between replacing the model and its state', () => {
    const dir = join(root, 'between');
    mkdirSync(dir);
    const rng = new Rng(2);
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, rng });
    const optimizer = new SGD(0.1);
    const point = (iteration: number) => ({ iteration, loss: new Float32Array(iteration).fill(0.5), evaluations: [] });
    const path = writeCheckpoint(dir, net, { config: {}, metrics: {} }, point(20), optimizer, { training: rng });
    const old = join(dir, 'state-20');
    copyFileSync(trainingStatePath(path), old);
    rng.nextUint32();
    const expected = rng.state();
    writeCheckpoint(dir, net, { config: {}, metrics: {} }, point(40), optimizer, { training: rng });
    // As if killed after step 2: the model is at 40, the state under the final name still at 20.
    copyFileSync(trainingStatePath(path), pendingStatePath(path));
    copyFileSync(old, trainingStatePath(path));
    const streams = { training: new Rng(7) };
    const model = readCheckpointModel(path, streams);
    const resume = restoreCheckpointFiles(path, model, new SGD(0.1), streams);
    assert.equal(resume.iteration, 40);
    assert.deepEqual(streams.training.state(), expected);
  });
});
