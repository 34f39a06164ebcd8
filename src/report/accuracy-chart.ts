// The book's figure of chapter 5: train accuracy (solid) and test accuracy (dashed) per epoch,
// y from 0 to 1, with a legend.

import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull } from './series.js';
import { baseConfig, CHART_HEIGHT, CHART_WIDTH } from './theme.js';

export interface AccuracyPoint {
  epoch: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export interface AccuracyChartOptions {
  title?: string;
}

const SETS = ['train', 'test'] as const;

function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}

export function accuracyChart(evaluations: readonly AccuracyPoint[], options: AccuracyChartOptions = {}): TopLevelSpec {
  const rows = evaluations.flatMap((e) => [
    { epoch: e.epoch, set: 'train', accuracy: finiteOrNull(e.trainAccuracy) },
    { epoch: e.epoch, set: 'test', accuracy: finiteOrNull(e.testAccuracy) },
  ]);
  const last = evaluations.at(-1);
  const integerEpochs = evaluations.every((e) => Number.isInteger(e.epoch));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: baseConfig,
    title: {
      text: options.title ?? 'accuracy',
      subtitle: last
        ? `last evaluation (epoch ${formatEpoch(last.epoch)}): train ${last.trainAccuracy.toFixed(4)} · test ${last.testAccuracy.toFixed(4)}`
        : 'no evaluations',
    },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: { size: 30, filled: true }, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epochs',
        axis: integerEpochs ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: {
        field: 'accuracy',
        type: 'quantitative',
        title: 'accuracy',
        scale: { domain: [0, 1] },
      },
      color: {
        field: 'set',
        type: 'nominal',
        title: null,
        scale: { domain: [...SETS], range: ['#1f77b4', '#ff7f0e'] },
        legend: { orient: 'bottom-right', symbolType: 'stroke', symbolSize: 300, fillColor: 'white', padding: 6 },
      },
      strokeDash: {
        field: 'set',
        type: 'nominal',
        title: null,
        scale: { domain: [...SETS], range: [[1, 0], [6, 4]] },
        legend: { orient: 'bottom-right', symbolType: 'stroke', symbolSize: 300, fillColor: 'white', padding: 6 },
      },
    },
  };
}
