// The benchmark's results as data: rows per job and system, derived per-iteration and
// per-evaluation figures, scaled runs extrapolated (and marked), and the JSON file.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProcessResults } from './processes.js';
import type { MicroOutcome, SystemSpec, TrainOutcome } from './protocol.js';

export type RowStatus = 'ok' | 'failed' | 'skipped';

export interface TrainRow {
  readonly id: string;
  readonly label: string;
  readonly system: SystemSpec;
  readonly status: RowStatus;
  /** Why a row failed or was skipped, or what is special about it. */
  readonly note?: string;
  readonly outcome?: TrainOutcome;
  readonly derived?: Derived;
}

export interface Derived {
  readonly msPerIteration: number;
  readonly secondsPerEvaluation: number;
  /** Set when the run was cut short: the full job's wall time estimated from this run's rates. */
  readonly extrapolatedWallSeconds?: number;
}

export interface JobResults {
  readonly id: string;
  readonly title: string;
  /** Iterations, evaluations and images evaluated of the job as planned (scaled rows ran fewer). */
  readonly iterations: number;
  readonly evaluations: number;
  readonly evaluatedImages: number;
  readonly rows: TrainRow[];
}

export interface MicroRow {
  readonly id: string;
  readonly label: string;
  readonly system: SystemSpec;
  readonly status: RowStatus;
  readonly note?: string;
  readonly outcome?: MicroOutcome;
}

export interface BenchReport {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly machine: Record<string, string | number>;
  readonly notes: string[];
  readonly jobs: JobResults[];
  readonly micro: MicroRow[];
  /** Whole processes of the reference job (absent in older files and with --processes 0). */
  processes?: ProcessResults;
}

/**
 * Per-iteration and per-evaluation rates; when the run was shorter than planned, the full
 * job's wall time from its rates: ms/iteration × iterations + s/image evaluated × images.
 */
export function derive(outcome: TrainOutcome, plannedIterations: number, plannedEvaluatedImages: number): Derived {
  const msPerIteration = outcome.iterations > 0 ? (outcome.trainSeconds / outcome.iterations) * 1000 : 0;
  const secondsPerEvaluation = outcome.evaluations > 0 ? outcome.evalSeconds / outcome.evaluations : 0;
  if (outcome.iterations >= plannedIterations) return { msPerIteration, secondsPerEvaluation };
  const secondsPerImage = outcome.evaluatedImages > 0 ? outcome.evalSeconds / outcome.evaluatedImages : 0;
  return {
    msPerIteration,
    secondsPerEvaluation,
    extrapolatedWallSeconds: (msPerIteration / 1000) * plannedIterations + secondsPerImage * plannedEvaluatedImages,
  };
}

/** bench/results/<YYYY-MM-DD>.json (quick runs: <YYYY-MM-DD>-quick.json). */
export function resultPath(folder: string, date: string, mode: 'full' | 'quick'): string {
  return join(folder, `${date}${mode === 'quick' ? '-quick' : ''}.json`);
}

/** Writes the report through a temporary file, so a killed run never leaves half a file. */
export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, path);
}

/** Local calendar date as YYYY-MM-DD. */
export function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
