// Where a `scratchnet train` process's time goes: runs the command several times with
// SCRATCHNET_PROFILE=1 and prints the median of each phase, with the wall time from spawn to
// exit. Given several builds (--cli A --cli B), it alternates them run by run, so that a
// busy machine slows them alike.
//   node dist/bench/startup.js --runs 7 -- train --iters 10 --eval-every 0
//   node dist/bench/startup.js --cli /tmp/old/dist/cli/scratchnet.js --cli dist/cli/scratchnet.js -- train

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_CLI = fileURLToPath(new URL('../cli/scratchnet.js', import.meta.url));

function parseArgs(argv: string[]): { clis: string[]; runs: number; command: string[] } {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const command = split < 0 ? ['train', '--iters', '10', '--eval-every', '0'] : argv.slice(split + 1);
  const clis: string[] = [];
  let runs = 5;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--cli') clis.push(own[++i]!);
    else if (own[i] === '--runs') runs = Number(own[++i]);
    else throw new Error(`unknown option ${own[i]} (--cli FILE, --runs N, then -- and the command)`);
  }
  if (!(Number.isInteger(runs) && runs > 0)) throw new Error('--runs: a positive integer');
  return { clis: clis.length > 0 ? clis : [DEFAULT_CLI], runs, command };
}

/** "profile (ms): node 90 | imports 30 | … | total 2300" → phases in order. */
function parseProfile(stderr: string): [string, number][] {
  const line = stderr.split('\n').find((l) => l.startsWith('profile (ms): '));
  if (!line) throw new Error(`no profile line in:\n${stderr}`);
  return line.slice('profile (ms): '.length).split(' | ').map((part) => {
    const at = part.lastIndexOf(' ');
    return [part.slice(0, at), Number(part.slice(at + 1))];
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const { clis, runs, command } = parseArgs(process.argv.slice(2));
const samples = clis.map(() => new Map<string, number[]>());
const order = clis.map(() => [] as string[]);
const loadBefore = loadavg()[0]!;
for (let run = 0; run < runs; run++) {
  clis.forEach((cli, c) => {
    const out = mkdtempSync(join(tmpdir(), 'scratchnet-startup-'));
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, ...command, ...(command[0] === 'train' || command[0] === 'compare' ? ['--out', join(out, 'run')] : [])], {
      env: { ...process.env, SCRATCHNET_PROFILE: '1' },
      encoding: 'utf8',
    });
    const wall = performance.now() - started;
    rmSync(out, { recursive: true, force: true });
    if (result.status !== 0) throw new Error(`${cli} exited with ${result.status}:\n${result.stderr}`);
    for (const [phase, ms] of [...parseProfile(result.stderr), ['wall', wall] as [string, number]]) {
      if (!samples[c]!.has(phase)) {
        samples[c]!.set(phase, []);
        order[c]!.push(phase);
      }
      samples[c]!.get(phase)!.push(ms);
    }
  });
}
console.log(`${command.join(' ')}: median of ${runs} runs, ms (load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)})`);
const phases = [...new Set(order.flat())];
const width = Math.max(...phases.map((p) => p.length));
console.log(`${''.padEnd(width)}  ${clis.map((_, c) => `#${c + 1}`.padStart(8)).join('')}`);
for (const phase of phases) {
  console.log(`${phase.padEnd(width)}  ${samples.map((s) => (s.has(phase) ? median(s.get(phase)!).toFixed(0) : '-').padStart(8)).join('')}`);
}
clis.forEach((cli, c) => console.log(`#${c + 1}: ${cli}`));

// The floor under the data phase: MNIST as float32 is 70 000 × 784 × 4 bytes = 219.5 MB of
// fresh memory, and the first write to each 4 KB page costs a page fault.
const FIRST_TOUCH = `
  const bytes = 70000 * 784 * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: 65536, shared: true });
  const start = performance.now();
  new Float32Array(memory.buffer, 0, bytes / 4).fill(1);
  console.log(performance.now() - start);`;
const touches = Array.from({ length: runs }, () => Number(spawnSync(process.execPath, ['-e', FIRST_TOUCH], { encoding: 'utf8' }).stdout));
console.log(`first write to 219.5 MB of fresh memory (MNIST as float32), median of ${runs}: ${median(touches).toFixed(0)} ms`);
