// Minibatch loss per iteration: the raw series thin and light, a moving average on top
// (centered, narrower early on: see movingAverage).
// Long series are drawn as a min–max band per bucket of iterations, so every spike stays
// visible while the chart holds a few hundred points instead of tens of thousands.

import type { TopLevelSpec } from 'vega-lite';
import { bucketize, defaultSmoothingWindow, finiteOrNull, movingAverage, oddWindow, sampleIndices, type Series } from './series.js';
import { baseConfig, CHART_HEIGHT, CHART_WIDTH, LIGHT_BLUE, STRONG_BLUE } from './theme.js';

export interface LossChartOptions {
  title?: string;
  /** Moving-average window in iterations (even numbers round up to odd). Default: about n/50, odd. */
  smoothingWindow?: number;
  /** Above this many iterations the raw loss is drawn as min–max buckets. Default 1000. */
  maxPoints?: number;
}

export function lossChart(loss: Series, options: LossChartOptions = {}): TopLevelSpec {
  const n = loss.length;
  const window = options.smoothingWindow === undefined ? defaultSmoothingWindow(n) : oddWindow(options.smoothingWindow);
  const maxPoints = options.maxPoints ?? 1000;
  const smooth = movingAverage(loss, window);
  const rawLabel = 'minibatch loss';
  const smoothLabel = `moving average (${window})`;

  const bucketed = n > maxPoints;
  const buckets = bucketed ? bucketize(loss, maxPoints) : [];
  const raw = bucketed
    ? buckets.map((b) => ({ iteration: b.center, min: finiteOrNull(b.min), max: finiteOrNull(b.max) }))
    : Array.from(loss, (value, iteration) => ({ iteration, loss: finiteOrNull(value) }));
  const smoothed = sampleIndices(n, maxPoints).map((i) => ({ iteration: i, loss: finiteOrNull(smooth[i]!) }));
  const bucketSize = buckets.length > 0 ? buckets[0]!.end - buckets[0]!.start + 1 : 1;

  const color = (datum: string) => ({
    datum,
    type: 'nominal' as const,
    title: null,
    scale: { domain: [rawLabel, smoothLabel], range: [LIGHT_BLUE, STRONG_BLUE] },
    legend: { orient: 'top-right' as const, symbolType: 'stroke', symbolStrokeWidth: 3, fillColor: 'white', padding: 6 },
  });
  const x = {
    field: 'iteration',
    type: 'quantitative' as const,
    title: 'iteration',
    scale: { domain: [0, Math.max(1, n - 1)] },
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: baseConfig,
    title: {
      text: options.title ?? 'training loss',
      subtitle: [
        `dark: moving average over ${window} iteration${window === 1 ? '' : 's'} (narrower early on)`,
        bucketed ? `light: min–max of the minibatch loss in each run of ${bucketSize} iterations` : 'light: minibatch loss',
      ],
    },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: [
      bucketed
        ? {
            data: { values: raw },
            mark: { type: 'area', opacity: 0.9 },
            encoding: {
              x,
              y: { field: 'min', type: 'quantitative', title: 'loss' },
              y2: { field: 'max' },
              color: color(rawLabel),
            },
          }
        : {
            data: { values: raw },
            mark: { type: 'line', strokeWidth: 0.8 },
            encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'loss' }, color: color(rawLabel) },
          },
      {
        data: { values: smoothed },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'loss' }, color: color(smoothLabel) },
      },
    ],
  };
}
