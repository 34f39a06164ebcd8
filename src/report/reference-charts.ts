// The charts whose structure `npm run build` compiles ahead (compiled-charts.ts): the two that
// `scratchnet train` draws for the reference job, an evaluation at each whole epoch and one loss
// per iteration. Only their shape matters, not their values (chart-structure.ts).

import type { TopLevelSpec } from 'vega-lite';
import { MODEL_DEFAULTS } from '../train/run-settings.js';
import { accuracyChart } from './accuracy-chart.js';
import { lossChart } from './loss-chart.js';

export function referenceChartSpecs(): TopLevelSpec[] {
  const iterations = MODEL_DEFAULTS['two-layer'].iters!;
  const evaluations = [0, 1].map((epoch) => ({ epoch, trainAccuracy: 0, testAccuracy: 0 }));
  return [accuracyChart(evaluations), lossChart(new Float32Array(iterations))];
}
