// The two charts of a training run, accuracy.png and loss.png, in one call. Both are rendered
// before either file is written, so a failed render leaves neither.

import { join } from 'node:path';
import { accuracyChart, type AccuracyPoint } from './accuracy-chart.js';
import { writeFileAtomic } from '../io/atomic-write-node.js';
import { lossChart } from './loss-chart.js';
import type { Series } from './series.js';
import type { TopLevelSpec } from 'vega-lite';

export const ACCURACY_PNG = 'accuracy.png';
export const LOSS_PNG = 'loss.png';

/**
 * Writes `dir`/accuracy.png and `dir`/loss.png (the folder must exist); returns their paths.
 * `renderPng`: render.js's by default (imported only then), or a background renderer's.
 */
export async function writeTrainingCharts(
  dir: string,
  evaluations: readonly AccuracyPoint[],
  loss: Series,
  renderPng: (spec: TopLevelSpec) => Promise<Uint8Array> = async (spec) => (await import('./render.js')).renderPng(spec),
): Promise<{ accuracy: string; loss: string }> {
  const [accuracyPng, lossPng] = await Promise.all([renderPng(accuracyChart(evaluations)), renderPng(lossChart(loss))]);
  const paths = { accuracy: join(dir, ACCURACY_PNG), loss: join(dir, LOSS_PNG) };
  writeFileAtomic(paths.accuracy, accuracyPng);
  writeFileAtomic(paths.loss, lossPng);
  return paths;
}
