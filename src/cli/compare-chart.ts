// The one chart of a comparison: every run's loss per iteration, smoothed, in one PNG.

import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write-node.js';
import { curvesChart, type NamedSeries } from '../report/curves-chart.js';
import { renderPng } from '../report/render.js';

export const COMPARISON_PNG = 'loss.png';

/** Like the book's plt.ylim: early spikes (RMSprop's first steps) would flatten every other curve. */
const LOSS_AXIS_MAX = 2.5;

/** Writes `out`/loss.png and returns its path. */
export async function writeComparisonChart(out: string, series: NamedSeries[], labels: { title: string; subtitle: string }): Promise<string> {
  const png = await renderPng(
    curvesChart(series, {
      title: labels.title,
      subtitle: [labels.subtitle, `y axis cut at ${LOSS_AXIS_MAX} (a chance-level loss is ln 10 ≈ 2.3)`],
      xTitle: 'iteration',
      yTitle: 'loss (minibatch)',
      smooth: true,
      yDomain: [0, LOSS_AXIS_MAX],
    }),
  );
  const path = join(out, COMPARISON_PNG);
  writeFileAtomic(path, png);
  return path;
}
