// SCRATCHNET_PROFILE=1: one line on exit with the milliseconds of each phase of the process;
// without it, nothing more than usual.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

function runProfiled(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SCRATCHNET_PROFILE: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('SCRATCHNET_PROFILE', () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 100, test: 20, size: 5 });
  const args = ['train', '--data', data, '--iters', '20', '--batch', '10', '--eval-every', '10', '--hidden', '4', '--backend', 'js'];

  it('prints the phases of a train process in order, each a whole number of ms, summing to its total', async () => {
    const result = await runProfiled([...args, '--out', join(tempFolder(), 'run')]);
    assert.equal(result.code, 0, result.stderr);
    const line = result.stderr.split('\n').find((l) => l.startsWith('profile (ms): '));
    assert.ok(line, result.stderr);
    const parts = line.slice('profile (ms): '.length).split(' | ').map((part) => part.split(' ') as [string, string]);
    assert.deepEqual(
      parts.map(([name]) => name),
      ['node', 'imports', 'options', 'backend', 'data', 'threads', 'setup', 'train', 'evaluate', 'checkpoint', 'charts', 'outputs', 'writes', 'exit', 'total'],
    );
    const ms = parts.map(([, value]) => Number(value));
    assert.ok(ms.every((v) => Number.isInteger(v) && v >= 0), line);
    const sum = ms.slice(0, -1).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - ms.at(-1)!) <= parts.length, `${sum} vs total ${ms.at(-1)}`);
  });

  it('is silent when not asked for', async () => {
    const result = await runCli([...args, '--out', join(tempFolder(), 'run')]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /profile/);
  });
});
