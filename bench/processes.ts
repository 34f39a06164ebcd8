// Whole processes, start to exit, as a user waits for them: `scratchnet train` (the CLI, the
// reference job, its charts and model file included) against the book's NumPy program on one
// BLAS thread (data loading included). The two alternate, `runs` times each, so that a machine
// getting busier slows both alike; the ratio is of their medians. scratchnet's runs also
// report where its time went (SCRATCHNET_PROFILE=1).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistPackageFolder } from '../src/data/mnist-files.js';
import { NUMPY_SCRIPT } from './spawn.js';

const CLI = fileURLToPath(new URL('../cli/scratchnet.js', import.meta.url));
/** GNU time: the peak RSS of a child (absent: no RSS column). */
const GNU_TIME = '/usr/bin/time';

export interface ProcessRun {
  readonly seconds: number;
  readonly peakRssMB?: number;
  readonly testAccuracy?: number;
  /** scratchnet only: milliseconds per phase (node, data, train, evaluate, charts …). */
  readonly phases?: Record<string, number>;
  readonly loadAverage: number;
}

export interface ProcessResults {
  readonly title: string;
  readonly numpy: ProcessRun[];
  readonly scratchnet: ProcessRun[];
  readonly note?: string;
}

/** `runs` alternating pairs; NumPy skipped (with a note) when `python` lacks numpy. */
export function runProcesses(runs: number, python: string, pythonOk: boolean, seed: number): ProcessResults {
  const results: ProcessResults = { title: 'The reference job, whole processes (start to exit)', numpy: [], scratchnet: [], note: pythonOk ? undefined : `NumPy skipped: ${python} has no numpy` };
  const data = mnistPackageFolder();
  for (let r = 0; r < runs; r++) {
    const folder = mkdtempSync(join(tmpdir(), 'scratchnet-bench-process-'));
    try {
      process.stderr.write(`\n▶ whole process ${r + 1} of ${runs}: scratchnet train`);
      results.scratchnet.push(timed([process.execPath, CLI, 'train', '--seed', String(seed), '--out', join(folder, 'run')], { SCRATCHNET_PROFILE: '1' }, (out, err) => ({
        testAccuracy: Number(/test accuracy ([\d.]+)/.exec(out)?.[1]),
        phases: profilePhases(err),
      })));
      if (!pythonOk) continue;
      process.stderr.write(', the NumPy program');
      const result = join(folder, 'numpy.json');
      const numpy = [python, NUMPY_SCRIPT, 'train', '--data', data, '--out', result, '--seed', String(seed), '--iterations', '10000', '--batch', '100', '--lr', '0.1', '--hidden', '50', '--eval-every', '600'];
      results.numpy.push(timed(numpy, { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }, () => ({
        testAccuracy: existsSync(result) ? (JSON.parse(readFileSync(result, 'utf8')) as { finalTestAccuracy?: number }).finalTestAccuracy : undefined,
      })));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  process.stderr.write('\n');
  return results;
}

/** Runs the command to its end; its wall seconds, peak RSS and what `read` finds in its output. */
function timed(command: string[], env: Record<string, string>, read: (stdout: string, stderr: string) => Partial<ProcessRun>): ProcessRun {
  const loadAverage = loadavg()[0]!;
  const withTime = existsSync(GNU_TIME) ? [GNU_TIME, '-f', 'peak-rss-kb %M', ...command] : command;
  const start = performance.now();
  const child = spawnSync(withTime[0]!, withTime.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`${command.slice(0, 3).join(' ')} … exited with ${child.status}: ${child.stderr.trim().split('\n').at(-1)}`);
  const rss = /peak-rss-kb (\d+)/.exec(child.stderr)?.[1];
  return { seconds, peakRssMB: rss ? Number(rss) / 1024 : undefined, loadAverage, ...read(child.stdout, child.stderr) };
}

/** "profile (ms): node 90 | data 250 | … | total 5000" → { node: 90, data: 250, … }. */
export function profilePhases(stderr: string): Record<string, number> | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith('profile (ms): '));
  if (!line) return undefined;
  return Object.fromEntries(line.slice('profile (ms): '.length).split(' | ').map((part) => {
    const at = part.lastIndexOf(' ');
    return [part.slice(0, at), Number(part.slice(at + 1))];
  }));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The table: each system's median and range, the ratio, and scratchnet's phases (medians). */
export function formatProcesses(results: ProcessResults): string {
  const lines = [results.title];
  const row = (label: string, runs: readonly ProcessRun[]): string => {
    if (runs.length === 0) return `  ${label.padEnd(34)} –`;
    const s = runs.map((r) => r.seconds);
    const rss = runs.flatMap((r) => (r.peakRssMB === undefined ? [] : [r.peakRssMB]));
    const acc = runs[0]!.testAccuracy;
    return `  ${label.padEnd(34)} ${median(s).toFixed(2)} s (${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)}, ${runs.length} runs)` +
      `${rss.length ? `, peak RSS ${Math.max(...rss).toFixed(0)} MB` : ''}${acc === undefined || Number.isNaN(acc) ? '' : `, test acc ${acc.toFixed(4)}`}` +
      `, load ${runs.map((r) => r.loadAverage.toFixed(1)).join('/')}`;
  };
  lines.push(row('NumPy, the book\'s program (×1)', results.numpy), row('scratchnet train (wasm, all cores)', results.scratchnet));
  if (results.numpy.length > 0 && results.scratchnet.length > 0) {
    lines.push(`  scratchnet / NumPy: ${(median(results.scratchnet.map((r) => r.seconds)) / median(results.numpy.map((r) => r.seconds))).toFixed(3)}`);
  }
  const phases = results.scratchnet.flatMap((r) => (r.phases ? [r.phases] : []));
  if (phases.length > 0) {
    const names = Object.keys(phases[0]!);
    lines.push(`  scratchnet phases (ms, medians): ${names.map((name) => `${name} ${Math.round(median(phases.map((p) => p[name] ?? 0)))}`).join(' | ')}`);
  }
  if (results.note) lines.push(`  note: ${results.note}`);
  return lines.join('\n');
}
