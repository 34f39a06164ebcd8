// The bar chart of the training wall times (one bar per system and job).

import { barChart, writePng } from '../src/report/index.js';
import type { BenchReport } from './results.js';

export interface ChartBar {
  readonly name: string;
  readonly value: number;
  /** System family, which colors the bar: scratchnet, TF.js, NumPy. */
  readonly group: string;
}

const FAMILY = { scratchnet: 'scratchnet', tfjs: 'TensorFlow.js', numpy: 'NumPy' } as const;

/** Wall seconds per system; extrapolated rows are labelled as such. */
export function chartBars(report: BenchReport): ChartBar[] {
  const bars: ChartBar[] = [];
  const jobsWithRuns = report.jobs.filter((job) => job.rows.some((row) => row.status === 'ok'));
  for (const job of jobsWithRuns) {
    for (const row of job.rows) {
      if (row.status !== 'ok' || !row.outcome || !row.derived) continue;
      const extrapolated = row.derived.extrapolatedWallSeconds;
      const prefix = jobsWithRuns.length > 1 ? `${job.id}: ` : '';
      bars.push({
        name: `${prefix}${row.label}${extrapolated !== undefined ? ' (extrapolated)' : ''}`,
        value: extrapolated ?? row.outcome.wallSeconds,
        group: FAMILY[row.system.kind],
      });
    }
  }
  return bars;
}

/** The bar chart as a Vega-Lite spec: wall seconds, one bar per run, colored by system family. */
export function wallTimeChart(report: BenchReport) {
  const scaled = report.jobs.some((job) => job.rows.some((row) => row.derived?.extrapolatedWallSeconds !== undefined));
  const job = report.jobs.find((j) => j.rows.some((row) => row.status === 'ok'));
  const subtitle = [
    `${report.date} · ${report.mode === 'quick' ? 'QUICK run (1000 iterations), not the reference job' : `${job?.iterations ?? ''} iterations, ${job?.evaluations ?? ''} evaluations on all 70 000 images`} · ${report.machine['cores']} cores`,
    ...(scaled ? ['(extrapolated): a capped run, its wall time estimated from its per-iteration and per-evaluation rates'] : []),
  ];
  return barChart(chartBars(report), { title: `Training wall time, lower is better${job ? ` — ${job.title}` : ''}`, unit: 's', xTitle: 'wall time (s)', subtitle });
}

export async function writeBarChart(report: BenchReport, path: string): Promise<{ written: true; path: string } | { written: false; reason: string }> {
  if (chartBars(report).length === 0) return { written: false, reason: 'no successful training run' };
  try {
    await writePng(path, wallTimeChart(report));
    return { written: true, path };
  } catch (error) {
    return { written: false, reason: (error as Error).message };
  }
}
