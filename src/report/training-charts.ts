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

/** The two charts' PNG bytes, not yet written. */
export interface TrainingChartImages {
  accuracy: Uint8Array;
  loss: Uint8Array;
}

type RenderPng = (spec: TopLevelSpec) => Promise<Uint8Array>;

/** render.js's renderer, imported only when used. */
const renderHere: RenderPng = async (spec) => (await import('./render.js')).renderPng(spec);

/** Renders both charts; `renderPng`: render.js's by default, or a background renderer's. */
export async function renderTrainingCharts(evaluations: readonly AccuracyPoint[], loss: Series, renderPng: RenderPng = renderHere): Promise<TrainingChartImages> {
  const [accuracy, lossPng] = await Promise.all([renderPng(accuracyChart(evaluations)), renderPng(lossChart(loss))]);
  return { accuracy, loss: lossPng };
}

/** Writes rendered charts as `dir`/accuracy.png and `dir`/loss.png (the folder must exist); returns their paths. */
export function writeTrainingChartImages(dir: string, images: TrainingChartImages): { accuracy: string; loss: string } {
  const paths = { accuracy: join(dir, ACCURACY_PNG), loss: join(dir, LOSS_PNG) };
  writeFileAtomic(paths.accuracy, images.accuracy);
  writeFileAtomic(paths.loss, images.loss);
  return paths;
}

/** Renders and writes `dir`/accuracy.png and `dir`/loss.png (the folder must exist); returns their paths. */
export async function writeTrainingCharts(dir: string, evaluations: readonly AccuracyPoint[], loss: Series, renderPng: RenderPng = renderHere): Promise<{ accuracy: string; loss: string }> {
  return writeTrainingChartImages(dir, await renderTrainingCharts(evaluations, loss, renderPng));
}
