// The two charts of a training run, accuracy.png and loss.png, in one call. Both are rendered
// before either file is written, so a failed render leaves neither.

import { join } from 'node:path';
import { accuracyChart, type AccuracyPoint } from './accuracy-chart.js';
import { writeFileAtomic } from '../files/atomic-write.js';
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

/** Charts shaped like a run's (an evaluation per epoch, a long loss series), to warm a renderer up with. */
export function sampleTrainingCharts(): TopLevelSpec[] {
  const evaluations = Array.from({ length: 17 }, (_, i) => ({ epoch: i, trainAccuracy: 1 - 0.5 / (i + 1), testAccuracy: 1 - 0.55 / (i + 1) }));
  const loss = Float32Array.from({ length: 10000 }, (_, i) => 2.3 / (1 + i / 300) + 0.1 * ((i * 7919) % 13) / 13);
  return [accuracyChart(evaluations), lossChart(loss)];
}
