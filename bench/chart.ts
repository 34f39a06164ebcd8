// The bar chart of the training wall times (one bar per system and job).

import { barChart, writePng } from '../src/report/index.js';
import type { BenchReport, JobResults } from './results.js';

export interface ChartBar {
  readonly name: string;
  readonly value: number;
  /** System family, which colors the bar: scratchnet, TF.js, NumPy. */
  readonly group: string;
}

/** Above this ratio of the slowest to the fastest bar, the axis is logarithmic. */
export const LOG_AXIS_RATIO = 20;

const FAMILY = { scratchnet: 'scratchnet', tfjs: 'TensorFlow.js', numpy: 'NumPy', torch: 'PyTorch' } as const;

/** Wall seconds per system of one job; extrapolated rows are labelled as such. */
export function chartBars(job: JobResults): ChartBar[] {
  return job.rows
    .filter((row) => row.status === 'ok' && row.outcome && row.derived)
    .map((row) => {
      const extrapolated = row.derived!.extrapolatedWallSeconds;
      return {
        name: `${row.label}${extrapolated !== undefined ? ' (extrapolated)' : ''}`,
        value: extrapolated ?? row.outcome!.wallSeconds,
        group: FAMILY[row.system.kind],
      };
    });
}

/** One job's bar chart as a Vega-Lite spec: wall seconds, one bar per run, colored by system family. */
export function wallTimeChart(report: BenchReport, job: JobResults) {
  const scaled = job.rows.some((row) => row.derived?.extrapolatedWallSeconds !== undefined);
  // NOTE: the job goes in the subtitle, not the title: Vega estimates a long title's width
  // too generously without a browser's text measure, and widens the whole image to match.
  const subtitle = [
    job.title,
    `${report.date} · ${report.mode === 'quick' ? 'QUICK run, not the full job · ' : ''}${job.iterations} iterations, ${job.evaluations} evaluations · ${report.machine['cores']} cores, load average ${report.machine['loadAverageAtStart']} at start`,
    ...(scaled ? ['(extrapolated): a capped run, its wall time estimated from its per-iteration and per-image evaluation rates'] : []),
  ];
  const bars = chartBars(job);
  const values = bars.map((bar) => bar.value).filter((v) => v > 0);
  // One system 100× slower than the rest would leave the others as slivers: a log axis then.
  const log = values.length > 1 && Math.max(...values) / Math.min(...values) > LOG_AXIS_RATIO;
  if (log) subtitle.push('logarithmic axis: each gridline step is a factor');
  return barChart(bars, { title: 'Training wall time, lower is better', unit: 's', xTitle: `wall time (s${log ? ', log scale' : ''})`, subtitle, log });
}

/** The PNG of each job that has runs: `<base>.png` for the first, `<base>-<job id>.png` for the others. */
export async function writeBarCharts(report: BenchReport, basePath: string): Promise<{ written: string[]; problems: string[] }> {
  const written: string[] = [];
  const problems: string[] = [];
  const jobs = report.jobs.filter((job) => chartBars(job).length > 0);
  for (const [index, job] of jobs.entries()) {
    const path = index === 0 ? `${basePath}.png` : `${basePath}-${job.id}.png`;
    try {
      await writePng(path, wallTimeChart(report, job));
      written.push(path);
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
    }
  }
  if (jobs.length === 0) problems.push('no successful training run to chart');
  return { written, problems };
}
