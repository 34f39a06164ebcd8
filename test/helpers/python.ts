// Running numpy as an independent reference, when python3 with numpy is on the machine.
// Where it must run (CI sets SCRATCHNET_REQUIRE_NUMPY=1), a missing numpy fails those checks
// instead of skipping them.

import { spawnSync } from 'node:child_process';

let missing: string | false | undefined;

/** Why the checks against numpy cannot run here (a skip reason), or false when they can or must. */
export function numpySkip(): string | false {
  if (missing === undefined) {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    missing = probe.error || probe.status !== 0 ? `python3 with numpy not available (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})` : false;
  }
  return process.env.SCRATCHNET_REQUIRE_NUMPY === '1' ? false : missing;
}

/** Runs a python3 script with a JSON value on stdin and returns the JSON it prints. */
export function runPython(script: string, input: unknown): unknown {
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout);
}
