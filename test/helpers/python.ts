// Running numpy as an independent reference, when python3 with numpy is on the machine.

import { spawnSync } from 'node:child_process';

let available: boolean | undefined;

export function hasNumpy(): boolean {
  available ??= spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** Runs a python3 script with a JSON value on stdin and returns the JSON it prints. */
export function runPython(script: string, input: unknown): unknown {
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
