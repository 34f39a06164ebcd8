// The one chart of a comparison: every run's loss per iteration, smoothed, in one PNG.

import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { curvesChart, type NamedSeries } from '../report/curves-chart.js';
import { renderPng } from '../report/render.js';

export const COMPARISON_PNG = 'loss.png';

/** Writes `out`/loss.png and returns its path. */
export async function writeComparisonChart(out: string, series: NamedSeries[], labels: { title: string; subtitle: string }): Promise<string> {
  const png = await renderPng(
    curvesChart(series, { title: labels.title, subtitle: labels.subtitle, xTitle: 'iteration', yTitle: 'loss (minibatch)', smooth: true }),
  );
  const path = join(out, COMPARISON_PNG);
  writeFileAtomic(path, png);
  return path;
}
