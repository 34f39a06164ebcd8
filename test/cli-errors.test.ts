// Bad input on the command line: one clear line, a non-zero exit, no stack trace, no outputs.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MNIST_FILES } from '../src/data/mnist-files.js';
import { runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

function assertOneLineError(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.notEqual(result.code, 0, 'exit code');
  // commander may add one hint line, "(Did you mean train?)"
  const lines = result.stderr.trim().split('\n').filter((line) => !/^\(Did you mean .*\?\)$/.test(line));
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('CLI: bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['a non-numeric option', ['train', '--lr', 'fast'], /option '--lr <x>' argument 'fast' is invalid\. must be a number > 0/],
    ['an out-of-range option', ['train', '--batch', '0'], /option '--batch <n>' argument '0' is invalid\. must be a whole number ≥ 1/],
    ['a fractional count', ['train', '--iters', '2.5'], /'--iters <n>' argument '2\.5' is invalid/],
    ['an unknown option', ['train', '--lern-rate', '1'], /unknown option '--lern-rate'/],
    ['an unknown backend', ['train', '--backend', 'gpu'], /'--backend <name>' argument 'gpu' is invalid/],
    ['an unknown command', ['trian'], /unknown command 'trian'/],
    ['a missing data folder', ['train', '--data', '/nonexistent/mnist', '--backend', 'js'], /^scratchnet: --data \/nonexistent\/mnist: folder not found$/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`refuses ${what}`, async () => {
      const out = join(tempFolder(), 'run');
      assertOneLineError(await runCli([...args, '--out', out]), pattern);
      assert.ok(!existsSync(out), 'no output folder');
    });
  }

  it('refuses a truncated file in --data, naming it', async () => {
    const dir = writeSyntheticMnist(tempFolder());
    writeFileSync(join(dir, MNIST_FILES.testImages), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 4, 0, 0, 0, 4, 1, 2, 3]));
    const out = join(tempFolder(), 'run');
    assertOneLineError(
      await runCli(['train', '--data', dir, '--out', out, '--backend', 'js']),
      /t10k-images-idx3-ubyte: declares 10×4×4 = 160 bytes of data but holds only 3 \(truncated file\?\)$/,
    );
    assert.ok(!existsSync(out));
  });

  it('stops a diverging run with an error naming --lr and leaves no outputs', async () => {
    const dir = writeSyntheticMnist(tempFolder(), { train: 50, test: 10, size: 6 });
    const out = join(tempFolder(), 'run');
    const result = await runCli(['train', '--data', dir, '--lr', '1e9', '--iters', '500', '--batch', '10', '--out', out, '--backend', 'js']);
    assertOneLineError(result, /^scratchnet: --lr 1000000000: loss became (NaN|Infinity) at iteration \d+; the run diverged, try a smaller learning rate$/);
    assert.ok(!existsSync(out), 'the run folder was removed');
  });
});
