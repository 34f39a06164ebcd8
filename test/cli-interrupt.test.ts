// Ctrl-C (SIGINT) during `scratchnet train` and `compare`, sent to the CLI in a child process.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelFile, trainingStatePath } from '../src/io/model-files-node.js';
import { netTensors } from '../src/io/model-file.js';
import { removeStaleTemporaries } from '../src/io/atomic-write-node.js';
import { resumeCommand, shellWord } from '../src/cli/resume-options.js';
import { CLI, runCli, type CliResult } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';
import { readPngSize } from './helpers/png-info.js';

const root = tempFolder('scratchnet-interrupt-');
after(() => rmSync(root, { recursive: true, force: true }));
const data = writeSyntheticMnist(join(root, 'data'), { train: 300, test: 60, size: 8, classes: 4 });
// The evaluation thread on, whatever the machine's cores: a stop must wait for its evaluations.
const common = ['--data', data, '--hidden', '12', '--batch', '10', '--eval-every', '20', '--seed', '3', '--backend', 'js', '--eval-thread', 'on'];

function tensors(path: string): Record<string, number[]> {
  return Object.fromEntries(netTensors(readModelFile(path).net).map(([name, t]) => [name, Array.from(t.data)]));
}

/** Runs the CLI and sends it SIGINT once its stdout matches `ready`; then again once its stderr matches `again`. */
function interruptCli(args: string[], ready: RegExp, again?: RegExp): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (sent === 0 && ready.test(stdout)) {
        child.kill('SIGINT');
        sent = 1;
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (sent === 1 && again?.test(stderr)) {
        child.kill('SIGINT');
        sent = 2;
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A pid no process has now: that of a child that has ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('Ctrl-C during train', () => {
  it('stops after the current iteration, saves checkpoint, metrics.json and charts, prints the --resume command and exits 130; resuming ends with the uninterrupted run\'s weights', async () => {
    const run = join(root, 'stopped');
    const stopped = await interruptCli(['train', ...common, '--iters', '1000000', '--out', run], /iter +(4|6|8)0 \|/);
    assert.equal(stopped.code, 130, stopped.stderr);
    const match = /^scratchnet: stopped at iteration (\d+) of 1000000 \(Ctrl-C\), saved in (\S+); to continue: (scratchnet train --resume \S+ .*)$/m.exec(stopped.stderr);
    assert.ok(match, stopped.stderr);
    const iteration = Number(match[1]);
    assert.equal(match[2], run);
    const model = join(run, 'model.safetensors');
    assert.equal(match[3], `scratchnet train --resume ${model} --eval-thread on --backend js --data ${data}`);
    assert.equal(readModelFile(model).iteration, iteration);
    assert.ok(existsSync(trainingStatePath(model)));
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.equal(metrics.stoppedAt, iteration);
    assert.equal(metrics.loss.length, iteration);
    assert.equal(metrics.final, undefined);
    assert.deepEqual(metrics.evaluations.map((e: { iteration: number }) => e.iteration), Array.from({ length: Math.floor(iteration / 20) + 1 }, (_, i) => i * 20));
    for (const chart of ['accuracy.png', 'loss.png']) assert.ok(readPngSize(readFileSync(join(run, chart))).width > 0);

    // A temporary file of a writer that was killed goes at the next start; a live writer's stays.
    const stale = join(run, `.model.safetensors.${deadPid()}.k1ll3d.tmp`);
    const live = join(run, `.metrics.json.${process.pid}.l1ve.tmp`);
    writeFileSync(stale, 'half a file');
    writeFileSync(live, 'being written');

    const total = iteration + 30;
    const resumed = await runCli([...match[3].split(' ').slice(1), '--iters', String(total)]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const straight = join(root, 'straight');
    const uninterrupted = await runCli(['train', ...common, '--iters', String(total), '--out', straight]);
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
    assert.deepEqual(tensors(model), tensors(join(straight, 'model.safetensors')));
    const a = JSON.parse(readFileSync(join(straight, 'metrics.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.deepEqual(b.loss, a.loss);
    assert.deepEqual(b.evaluations, a.evaluations);
    assert.deepEqual(b.final, a.final);
    assert.ok(!existsSync(stale), 'stale temporary file removed');
    assert.ok(existsSync(live), "a live writer's temporary file kept");
    rmSync(live);
    assert.deepEqual(readdirSync(run).filter((name) => name.endsWith('.tmp')), []);
  });

  it('a second Ctrl-C quits at once, exit 130, leaving a checkpoint that loads', async () => {
    const run = join(root, 'twice');
    const result = await interruptCli(['train', ...common, '--iters', '1000000', '--out', run], /iter +40 \|/, /stopping after this iteration/);
    assert.equal(result.code, 130, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.ok(readModelFile(join(run, 'model.safetensors')).iteration! >= 40);
    assert.deepEqual(readdirSync(run).filter((name) => name.endsWith('.tmp')), []);
  });
});

describe('Ctrl-C during compare', () => {
  it('stops with one line and exit 130, removing the folder it made when no run has finished', async () => {
    const out = join(root, 'compare');
    const args = ['compare', 'optimizers', '--data', data, '--hidden', '12', '--batch', '10', '--optimizers', 'sgd,adam', '--iters', '10000000', '--backend', 'js', '--out', out];
    const result = await interruptCli(args, /^data: /m);
    assert.equal(result.code, 130, `${result.signal} ${result.stdout} ${result.stderr}`);
    assert.match(result.stderr.trim().split('\n').at(-1)!, /^scratchnet: compare stopped \(Ctrl-C\) during run 1 of 2 \(sgd\); nothing saved$/);
    assert.ok(!existsSync(out));
  });
});

describe('helpers of the stop', () => {
  it('removeStaleTemporaries removes only the temporary files of writers that have ended', () => {
    const dir = tempFolder('scratchnet-stale-');
    const names = [`.a.json.${deadPid()}.x.tmp`, `.b.json.${process.pid}.y.tmp`, 'c.tmp', '.model.optimizer.safetensors.next', 'model.safetensors'];
    for (const name of names) writeFileSync(join(dir, name), '');
    assert.deepEqual(removeStaleTemporaries(dir), [names[0]]);
    assert.deepEqual(readdirSync(dir).sort(), names.slice(1).sort());
  });

  it('the resume command carries the explicit options that are not saved with the run, quoted for a shell', () => {
    const options = { data: "it's here", backend: 'wasm', threads: 2, download: true, iters: 50, lr: 0.1, out: 'x', resume: 'y' };
    const explicit = new Set(['data', 'threads', 'download', 'iters', 'lr', 'out', 'resume']);
    assert.equal(resumeCommand('runs/a b/model.safetensors', options, explicit), `scratchnet train --resume 'runs/a b/model.safetensors' --data 'it'\\''s here' --threads 2 --download`);
    assert.equal(shellWord('/tmp/x-1/model.safetensors'), '/tmp/x-1/model.safetensors');
  });
});
