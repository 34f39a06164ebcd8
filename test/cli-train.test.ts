// The CLI end to end: train writes valid PNGs and metrics.json; same seed, same numbers; gradcheck.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { readPngSize } from './helpers/png-info.js';
import { runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

describe('CLI: train end to end', () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 300, test: 60, size: 6, classes: 4, gzip: true });
  const args = ['--data', data, '--iters', '40', '--batch', '20', '--eval-every', '15', '--hidden', '8', '--seed', '3', '--backend', 'js'];

  it('writes metrics.json of the documented shape and two valid PNG charts', async () => {
    const out = join(tempFolder(), 'run');
    const result = await runCli(['train', ...args, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).filter((n) => !n.startsWith('model')).sort(), ['accuracy.png', 'loss.png', 'metrics.json']);

    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.deepEqual(Object.keys(metrics), ['config', 'evaluations', 'loss', 'final', 'seconds']);
    assert.equal(metrics.config.iters, 40);
    assert.equal(metrics.config.inputSize, 36);
    assert.equal(metrics.config.outputSize, 4);
    assert.deepEqual(metrics.evaluations.map((e: { iteration: number }) => e.iteration), [0, 15, 30]);
    for (const e of metrics.evaluations) {
      assert.deepEqual(Object.keys(e), ['epoch', 'iteration', 'trainAccuracy', 'testAccuracy']);
      assert.ok(e.trainAccuracy >= 0 && e.trainAccuracy <= 1 && e.testAccuracy >= 0 && e.testAccuracy <= 1);
    }
    assert.equal(metrics.evaluations[1].epoch, 1, '15 iterations of 20 = one epoch of 300 images');
    assert.equal(metrics.loss.length, 40);
    assert.ok(metrics.loss.every((v: number) => Number.isFinite(v) && v > 0));
    assert.deepEqual(Object.keys(metrics.final), ['trainAccuracy', 'testAccuracy']);
    assert.deepEqual(Object.keys(metrics.seconds), ['load', 'train', 'evaluate', 'total']);
    assert.ok(metrics.seconds.total >= metrics.seconds.train);

    for (const name of ['accuracy.png', 'loss.png']) {
      const bytes = readFileSync(join(out, name));
      const { width, height } = readPngSize(bytes);
      assert.ok(width > 400 && height > 200, `${name}: ${width}×${height}`);
      const stats = await sharp(bytes).stats();
      assert.ok(stats.channels[0]!.min < 100 && stats.channels[0]!.max > 200, `${name} has ink and background`);
    }
    assert.match(result.stdout, /epoch +1 \| iter +15 \| train acc 0\.\d{4} \| test acc 0\.\d{4} \| [\d.]+ s/);
    assert.match(result.stdout, /final: train accuracy 0\.\d{4}, test accuracy 0\.\d{4}/);
    assert.ok(result.stdout.includes(join(out, 'accuracy.png')));
  });

  it('gives the same numbers for the same seed and others for another', async () => {
    const read = async (seed: string) => {
      const out = join(tempFolder(), 'run');
      const result = await runCli(['train', ...args, '--seed', seed, '--eval-every', '0', '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    };
    const [a, b, c] = await Promise.all([read('5'), read('5'), read('6')]);
    assert.deepEqual(a.loss, b.loss);
    assert.deepEqual(a.final, b.final);
    assert.notDeepEqual(a.loss, c.loss);
    assert.deepEqual(a.evaluations, [], '--eval-every 0 evaluates only at the end');
  });
});

describe('CLI: train --eval-thread', () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 300, test: 60, size: 6, classes: 4 });
  const args = ['--data', data, '--iters', '60', '--batch', '20', '--eval-every', '10', '--hidden', '8', '--seed', '3', '--backend', 'wasm'];
  const trainWith = async (extra: string[]) => {
    const out = join(tempFolder(), 'run');
    const result = await runCli(['train', ...args, ...extra, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const numbers = metrics.evaluations.map((e: { iteration: number; trainAccuracy: number; testAccuracy: number }) => [e.iteration, e.trainAccuracy, e.testAccuracy]);
    return { stdout: result.stdout, numbers, final: metrics.final, loss: metrics.loss, lines: result.stdout.split('\n').filter((line) => line.startsWith('epoch')) };
  };
  const beside = /evaluations on a thread of their own/;

  it('on and off give the same evaluations, in the same lines; auto is on with two threads, off with one', async () => {
    const [on, off, auto2, auto1] = await Promise.all([
      trainWith(['--eval-thread', 'on', '--threads', '2']),
      trainWith(['--eval-thread', 'off', '--threads', '2']),
      trainWith(['--threads', '2']),
      trainWith(['--threads', '1']),
    ]);
    assert.equal(on.numbers.length, 6);
    assert.deepEqual(on.numbers, off.numbers);
    assert.deepEqual(on.final, off.final);
    assert.deepEqual(on.loss, off.loss);
    const strip = (lines: string[]) => lines.map((line) => line.replace(/\| [\d.]+ s$/, ''));
    assert.deepEqual(strip(on.lines), strip(off.lines));
    assert.match(on.stdout, beside);
    assert.doesNotMatch(off.stdout, beside);
    assert.match(auto2.stdout, beside);
    assert.doesNotMatch(auto1.stdout, beside);
    assert.deepEqual(auto1.numbers, on.numbers);
  });

  it('refuses an unknown choice in one line', async () => {
    const result = await runCli(['train', ...args, '--eval-thread', 'sometimes']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--eval-thread <when>' argument 'sometimes' is invalid\. Allowed choices are auto, on, off/);
  });
});

describe('CLI: gradcheck', () => {
  it('prints the mean difference per parameter and exits 0', async () => {
    const data = writeSyntheticMnist(tempFolder(), { size: 5, classes: 3 });
    const result = await runCli(['gradcheck', '--data', data, '--hidden', '6', '--images', '3', '--backend', 'js']);
    assert.equal(result.code, 0, result.stderr);
    for (const name of ['W1', 'b1', 'W2', 'b2']) {
      const match = new RegExp(`^${name} +mean \\|backprop - numerical\\| = ([\\d.e+-]+)`, 'm').exec(result.stdout);
      assert.ok(match, `${name} line in:\n${result.stdout}`);
      assert.ok(Number(match[1]) < 1e-7);
    }
    assert.match(result.stdout, /ok: every parameter within tolerance 1e-7/);
  });
});
