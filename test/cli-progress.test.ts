// The progress bar: drawn by the loop itself at most ten times a second, never wider than
// the terminal, evaluation lines above it, nothing of it left at the end — checked on a
// stand-in terminal and, end to end, under a real pseudo-terminal (util-linux `script`).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { barText, createProgress, createStatus, formatDuration } from '../src/cli/progress.js';
import { CLI, runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';
import { screenLines } from './helpers/terminal.js';

/** A terminal stand-in: what was written, and a clock the test moves. */
function fakeTerminal(columns = 80) {
  const writes: string[] = [];
  const printed: string[] = [];
  let time = 0;
  const stream = { isTTY: true, columns, write: (text: string) => writes.push(text) };
  return {
    writes,
    printed,
    advance: (ms: number) => (time += ms),
    options: { stream, now: () => time, print: (line: string) => printed.push(line) },
  };
}

const BAR = /[\u2588\u2591]|it\/s/;

describe('progress bar', () => {
  it('draws nothing when the stream is not a terminal and prints the lines plainly', () => {
    const terminal = fakeTerminal();
    const progress = createProgress(100, { ...terminal.options, stream: { ...terminal.options.stream, isTTY: false } });
    for (let i = 0; i < 100; i++) progress.update(i, 1);
    progress.log('epoch 1');
    progress.stop();
    assert.deepEqual(terminal.writes, []);
    assert.deepEqual(terminal.printed, ['epoch 1']);
  });

  it('draws at most once per interval however often the loop reports, and the last frame counts every iteration', () => {
    const terminal = fakeTerminal();
    const progress = createProgress(5000, { ...terminal.options, interval: 100 });
    assert.equal(terminal.writes.length, 1, 'a first frame as soon as it starts');
    for (let i = 0; i < 5000; i++) {
      terminal.advance(0.2); // 5000 iterations/s
      progress.update(i, 0.5);
    }
    const frames = terminal.writes.length;
    assert.ok(frames >= 9 && frames <= 11, `${frames} frames in one simulated second`);
    terminal.advance(100);
    progress.update(4999, 0.25);
    const speed = (5000 / 1.1).toFixed(0); // 5000 iterations in the 1.1 simulated seconds since the start
    assert.ok(screenLines(terminal.writes.join('')).at(-1)!.endsWith(` 5000/5000 | loss 0.2500 | ${speed} it/s | ETA 0s`));
  });

  it('prints lines above the bar, redraws it, and leaves a clean line when stopped', () => {
    const terminal = fakeTerminal();
    // stdout and stderr share the terminal: the printed lines go into the same stream
    const progress = createProgress(10, { ...terminal.options, print: (line) => terminal.writes.push(`${line}\n`) });
    progress.update(0, 2);
    progress.log('epoch 0 line');
    assert.match(screenLines(terminal.writes.join('')).at(-1)!, /1\/10 \| loss 2\.0000/, 'redrawn under the line');
    terminal.advance(500);
    progress.update(4, 1);
    assert.match(screenLines(terminal.writes.join('')).at(-1)!, /5\/10 \| loss 1\.0000/);
    progress.stop();
    assert.deepEqual(screenLines(terminal.writes.join('')), ['epoch 0 line']);
  });

  it('a status note replaces the previous one, fits the terminal, and is erased by clear', () => {
    const terminal = fakeTerminal(30);
    const status = createStatus(terminal.options.stream);
    status.show('loading the data …');
    status.show('evaluating 10000 test images and more words than fit …');
    const lines = screenLines(terminal.writes.join(''));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.startsWith(' evaluating 10000') && lines[0]!.length <= 29, lines[0]);
    status.clear();
    assert.deepEqual(screenLines(terminal.writes.join('')), []);
    const silent = fakeTerminal();
    createStatus({ ...silent.options.stream, isTTY: false }).show('x');
    assert.deepEqual(silent.writes, []);
  });

  it('never draws a line wider than the terminal (which would wrap and break the redraw)', () => {
    for (const width of [5, 20, 40, 61, 79, 200]) {
      for (const [done, total] of [[0, 10], [123456, 1000000], [7, 7]] as const) {
        const text = barText(done, total, { loss: 0.123456, speed: 1234.5 }, width);
        assert.ok(text.length <= width, `${width}: ${text}`);
      }
    }
    assert.match(barText(50, 100, { loss: Number.NaN, speed: Number.NaN }, 200), /50\/100 \| loss - \| - it\/s \| ETA -$/);
    assert.match(barText(50, 100, { speed: 10, unit: 'weights' }, 200), /50\/100 \| 10 weights\/s \| ETA 5s$/);
    assert.deepEqual([0, 59.4, 61, 3599, 3600, 7322].map(formatDuration), ['0s', '59s', '1m01s', '59m59s', '1h00m', '2h02m']);
  });
});

const scriptCommand = spawnSync('script', ['--version'], { encoding: 'utf8' });
const hasScript = scriptCommand.status === 0 && /util-linux/.test(scriptCommand.stdout);

/** Runs the CLI under a pseudo-terminal; also notes whether a bar frame arrived before the process ended. */
function runInTerminal(args: string[]): Promise<{ code: number | null; output: string; barWhileRunning: boolean }> {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    let output = '';
    let exited = false;
    let barWhileRunning = false;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!exited && /\d+\/\d+ \| loss \d/.test(output)) barWhileRunning = true;
    });
    child.on('exit', () => (exited = true));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, barWhileRunning }));
  });
}

/** Output lines with what differs between two runs (times, folders) masked. */
function masked(lines: string[], out: string): string[] {
  return lines.map((line) => line.split(out).join('OUT').replace(/\d+(\.\d+)? s\b/g, 'T s'));
}

describe('progress bar in a real terminal', { skip: hasScript ? false : 'util-linux `script` is not installed' }, () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 400, test: 100, size: 8, classes: 4 });
  // Evaluations in place, so that each evaluation line comes right after its iteration (an
  // evaluation thread prints it a few iterations later).
  const args = ['--data', data, '--iters', '300', '--batch', '20', '--eval-every', '100', '--hidden', '16', '--seed', '2', '--backend', 'js', '--eval-thread', 'off'];

  it('train: the bar shows while training runs, evaluation lines above it, and the screen ends clean', async () => {
    const out = join(tempFolder(), 'run');
    const terminal = await runInTerminal(['train', ...args, '--out', out]);
    assert.equal(terminal.code, 0, terminal.output);
    assert.ok(terminal.barWhileRunning, 'a bar frame arrived before the process ended');
    // Drawn from inside the training loop: a frame counting 100 iterations comes after the
    // evaluation line of iteration 100 and before the one of iteration 200.
    const after100 = terminal.output.indexOf('iter    100');
    const at200 = terminal.output.indexOf('iter    200');
    assert.ok(after100 > 0 && at200 > after100, terminal.output);
    assert.match(terminal.output.slice(after100, at200), /100\/300 \| loss \d\.\d{4}/);

    const screen = screenLines(terminal.output);
    assert.ok(!screen.some((line) => BAR.test(line)), `bar left on screen:\n${screen.join('\n')}`);
    const plainOut = join(tempFolder(), 'run');
    const plain = await runCli(['train', ...args, '--out', plainOut]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(masked(screen, out), masked(plain.stdout.trimEnd().split('\n'), plainOut));
  });

  it('train with an evaluation thread: its lines arrive while the bar runs, and the screen ends clean', async () => {
    const threaded = [...args.slice(0, -1), 'on', '--iters', '600'];
    const out = join(tempFolder(), 'run');
    const terminal = await runInTerminal(['train', ...threaded, '--out', out]);
    assert.equal(terminal.code, 0, terminal.output);
    assert.ok(terminal.barWhileRunning, 'a bar frame arrived before the process ended');
    const screen = screenLines(terminal.output);
    assert.ok(!screen.some((line) => BAR.test(line)), `bar left on screen:\n${screen.join('\n')}`);
    assert.deepEqual(screen.filter((line) => line.startsWith('epoch')).map((line) => /iter +(\d+)/.exec(line)?.[1]), ['0', '100', '200', '300', '400', '500']);
    const plainOut = join(tempFolder(), 'run');
    const plain = await runCli(['train', ...threaded, '--out', plainOut]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(masked(screen, out), masked(plain.stdout.trimEnd().split('\n'), plainOut));
  });

  it('compare: one bar per run, each gone once its summary line is printed', async () => {
    const out = join(tempFolder(), 'cmp');
    const compareArgs = ['compare', 'optimizers', '--optimizers', 'sgd,adam', '--data', data, '--iters', '50', '--batch', '20', '--hidden', '8', '--backend', 'js'];
    const terminal = await runInTerminal([...compareArgs, '--out', out]);
    assert.equal(terminal.code, 0, terminal.output);
    for (const name of ['sgd', 'adam']) assert.match(terminal.output, new RegExp(` ${name} [\u2588\u2591]+ 0/50 \\| loss -`));
    const screen = screenLines(terminal.output);
    assert.ok(!screen.some((line) => BAR.test(line)), screen.join('\n'));
    assert.equal(screen.filter((line) => /^(sgd|adam) +\| final loss/.test(line)).length, 2, screen.join('\n'));
  });

  it('evaluate: a note of each step while it runs, none left at the end', async () => {
    const out = join(tempFolder(), 'model');
    const trained = await runCli(['train', ...args, '--iters', '20', '--out', out]);
    assert.equal(trained.code, 0, trained.stderr);
    const terminal = await runInTerminal(['evaluate', join(out, 'model.safetensors'), '--data', data, '--backend', 'js', '--mistakes', '4']);
    assert.equal(terminal.code, 0, terminal.output);
    assert.match(terminal.output, /evaluate: 100 test images …/);
    const screen = screenLines(terminal.output);
    assert.ok(!screen.some((line) => line.includes('evaluate:')), screen.join('\n'));
    assert.match(screen.at(-1)!, /^wrote .*confusion\.png, .*mistakes\.png$/);
  });

  it('gradcheck: a bar over the weights while the numerical gradient runs', async () => {
    const terminal = await runInTerminal(['gradcheck', '--data', data, '--images', '2', '--hidden', '6', '--backend', 'js']);
    assert.equal(terminal.code, 0, terminal.output);
    assert.match(terminal.output, /numerical gradient [\u2588\u2591]+ 0\/\d+ \| - weights\/s/);
    const screen = screenLines(terminal.output);
    assert.ok(!screen.some((line) => BAR.test(line) || line.includes('numerical gradient')), screen.join('\n'));
    assert.match(screen.at(-1)!, /^ok: every parameter within tolerance/);
  });
});
