// The bar chart of the training wall times (one bar per system and job).

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
  for (const job of report.jobs) {
    for (const row of job.rows) {
      if (row.status !== 'ok' || !row.outcome || !row.derived) continue;
      const extrapolated = row.derived.extrapolatedWallSeconds;
      const prefix = report.jobs.length > 1 ? `${job.id}: ` : '';
      bars.push({
        name: `${prefix}${row.label}${extrapolated !== undefined ? ' (extrapolated)' : ''}`,
        value: extrapolated ?? row.outcome.wallSeconds,
        group: FAMILY[row.system.kind],
      });
    }
  }
  return bars;
}

export async function writeBarChart(_report: BenchReport, path: string): Promise<{ written: true; path: string } | { written: false; reason: string }> {
  return { written: false, reason: `src/report (barChart, writePng) is not on this branch yet; ${path} not written` };
}
