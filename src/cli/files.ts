// Run folders, the one lifecycle `train` and `compare` share: a fresh timestamped folder per
// run (or the one given), metrics.json written into it, and the folder removed again when
// the run fails, if the run made it.

import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '../io/atomic-write-node.js';
import type { Evaluation } from '../train/trainer.js';
import { Interrupted } from './interrupt.js';

/** runs/2026-11-28T09-30-00 (with -2, -3 … if taken). */
export function newRunFolder(root = 'runs', date = new Date()): string {
  const stamp = date.toISOString().slice(0, 19).replace(/:/g, '-');
  let path = join(root, stamp);
  for (let n = 2; existsSync(path); n++) path = join(root, `${stamp}-${n}`);
  return path;
}

/** Creates `dir` and reports whether it was new (so a failed run can remove only what it made). */
export function makeFolder(dir: string): boolean {
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  return !existed;
}

/** makeFolder, and the temporary files a killed run left there removed. */
export function openFolder(dir: string): boolean {
  const created = makeFolder(dir);
  removeStaleTemporaries(dir);
  return created;
}

/**
 * Runs `work` with `dir` as its output folder. A run that fails removes the folder if it made
 * it; one stopped by Ctrl-C (Interrupted) keeps what it saved there, if anything.
 */
export async function inRunFolder<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const created = openFolder(dir);
  try {
    return await work();
  } catch (error) {
    const keep = error instanceof Interrupted && readdirSync(dir).length > 0;
    if (created && !keep) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What metrics.json holds (README: "Output folder"); `stoppedAt` instead of `final` for a run stopped by Ctrl-C. */
export interface RunMetrics {
  config: unknown;
  evaluations: Pick<Evaluation, 'epoch' | 'iteration' | 'trainAccuracy' | 'testAccuracy'>[];
  loss: number[];
  final?: { trainAccuracy: number; testAccuracy: number };
  stoppedAt?: number;
  seconds: Record<string, number>;
}

export function runMetrics(
  config: unknown,
  run: { evaluations: readonly Evaluation[]; loss: ArrayLike<number>; final?: RunMetrics['final'] },
  seconds: Record<string, number>,
): RunMetrics {
  return {
    config,
    evaluations: run.evaluations.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({ epoch, iteration, trainAccuracy, testAccuracy })),
    loss: Array.from(run.loss, (value) => Number(value.toPrecision(6))),
    ...(run.final ? { final: run.final } : { stoppedAt: run.loss.length }),
    seconds,
  };
}

/** Writes `dir`/metrics.json; returns its path. */
export function writeMetrics(dir: string, metrics: RunMetrics): string {
  const path = join(dir, 'metrics.json');
  writeFileAtomic(path, `${JSON.stringify(metrics, null, 2)}\n`);
  return path;
}
