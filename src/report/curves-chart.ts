// Several curves in one chart, one color per name: e.g. the loss of each optimizer, or of each
// initialization, over the same iterations (the book's comparison figures of chapter 6).

import type { TopLevelSpec } from 'vega-lite';
import { bucketize, defaultSmoothingWindow, finiteOrNull, movingAverage, oddWindow, sampleIndices, type Series } from './series.js';
import { baseConfig, CHART_HEIGHT, CHART_WIDTH } from './theme.js';

export interface NamedSeries {
  name: string;
  values: Series;
}

export interface CurvesChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /**
   * Draw each curve as a moving average (see movingAverage): true picks a window of about n/50
   * points, a number sets it (even rounds up to odd). Default false: the raw values (min–max
   * band + mean when long).
   */
  smooth?: boolean | number;
  subtitle?: string | string[];
  /** Points drawn per curve at most; longer curves are bucketed or sampled. Default 1000. */
  maxPoints?: number;
  /** Fixed y range, values outside drawn at its edge (the book's plt.ylim); default: fit the data. */
  yDomain?: [number, number];
}

export function curvesChart(series: readonly NamedSeries[], options: CurvesChartOptions): TopLevelSpec {
  const names = series.map((s) => s.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`curvesChart: series name "${duplicate}" appears twice`);
  const maxPoints = options.maxPoints ?? 1000;

  const lines: { series: string; x: number; y: number | null }[] = [];
  const bands: { series: string; x: number; min: number | null; max: number | null }[] = [];
  const windows = new Set<number>();
  for (const { name, values } of series) {
    const n = values.length;
    if (options.smooth) {
      const window = options.smooth === true ? defaultSmoothingWindow(n) : oddWindow(options.smooth);
      windows.add(window);
      const smooth = movingAverage(values, window);
      for (const i of sampleIndices(n, maxPoints)) lines.push({ series: name, x: i, y: finiteOrNull(smooth[i]!) });
    } else if (n <= maxPoints) {
      for (let i = 0; i < n; i++) lines.push({ series: name, x: i, y: finiteOrNull(values[i]!) });
    } else {
      for (const b of bucketize(values, maxPoints)) {
        lines.push({ series: name, x: b.center, y: finiteOrNull(b.mean) });
        bands.push({ series: name, x: b.center, min: finiteOrNull(b.min), max: finiteOrNull(b.max) });
      }
    }
  }

  const smoothingNote =
    windows.size > 0
      ? `moving average over ${[...windows].join(' / ')} point${[...windows].every((w) => w === 1) ? '' : 's'} (narrower early on)`
      : bands.length > 0
        ? 'line: mean, band: min–max of each run of points'
        : undefined;
  const subtitle = [
    ...(options.subtitle === undefined ? [] : Array.isArray(options.subtitle) ? options.subtitle : [options.subtitle]),
    ...(smoothingNote === undefined ? [] : [smoothingNote]),
  ];

  const x = { field: 'x', type: 'quantitative' as const, title: options.xTitle };
  const yScale = options.yDomain ? { scale: { domain: options.yDomain, clamp: true } } : {};
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: names, scheme: 'tableau10' },
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  const lineLayer = {
    data: { values: lines },
    mark: { type: 'line' as const, strokeWidth: 2 },
    encoding: { x, y: { field: 'y', type: 'quantitative' as const, title: options.yTitle, ...yScale }, color },
  };
  const bandLayer = {
    data: { values: bands },
    mark: { type: 'area' as const, opacity: 0.25 },
    encoding: {
      x,
      y: { field: 'min', type: 'quantitative' as const, title: options.yTitle, ...yScale },
      y2: { field: 'max' },
      color,
    },
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: baseConfig,
    title: subtitle.length > 0 ? { text: options.title, subtitle } : { text: options.title },
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    layer: bands.length > 0 ? [bandLayer, lineLayer] : [lineLayer],
  };
}
