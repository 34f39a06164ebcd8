// Horizontal bars with their values written beside them, in the order given: e.g. the wall time
// of each system on the benchmark job. An optional group colors the bars and adds a legend.

import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, CHART_WIDTH, STRONG_BLUE } from './theme.js';

export interface BarRow {
  name: string;
  value: number;
  group?: string;
}

export interface BarChartOptions {
  title: string;
  /** Unit written after each value label, e.g. "s". */
  unit: string;
  /** Title of the value axis; default: the unit. */
  xTitle?: string;
  subtitle?: string | string[];
  /** A logarithmic value axis: bars 100× apart both stay readable. */
  log?: boolean;
}

/** 3 significant digits, but never rounding away integer digits: 0.0123, 1.23, 12.3, 123, 1234. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1 || magnitude === 0) return value.toFixed(2).replace(/\.?0+$/, '') || '0';
  return String(Number(value.toPrecision(3)));
}

export function barChart(rows: readonly BarRow[], options: BarChartOptions): TopLevelSpec {
  const names = rows.map((r) => r.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`barChart: bar name "${duplicate}" appears twice`);
  const bad = rows.find((r) => !Number.isFinite(r.value));
  if (bad !== undefined) throw new Error(`barChart: bar "${bad.name}" has no finite value (${bad.value})`);

  const grouped = rows.some((r) => r.group !== undefined);
  const data = rows.map((r) => ({
    name: r.name,
    value: r.value,
    group: r.group ?? '',
    label: `${formatValue(r.value)} ${options.unit}`.trim(),
  }));
  const y = { field: 'name', type: 'nominal' as const, title: null, sort: names };
  // NOTE: a log axis has no zero for bars to start from: they start at the power of ten below the smallest value.
  const logStart = options.log ? 10 ** Math.floor(Math.log10(Math.min(...rows.map((r) => r.value).filter((v) => v > 0), 1))) : 0;
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: options.xTitle ?? options.unit,
    ...(options.log ? { scale: { type: 'log' as const, domainMin: logStart } } : {}),
  };
  const groups = [...new Set(rows.map((r) => r.group ?? ''))];
  const subtitle = options.subtitle;

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...baseConfig, axisY: { labelFontSize: 12, labelPadding: 6, ticks: false, domain: false } },
    title: subtitle === undefined ? { text: options.title } : { text: options.title, subtitle },
    width: CHART_WIDTH - 80,
    height: { step: 26 },
    data: { values: data },
    encoding: { y, x },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, height: { band: 0.75 } },
        encoding: {
          ...(options.log ? { x2: { datum: logStart } } : {}),
          ...(grouped
          ? {
              color: {
                field: 'group',
                type: 'nominal',
                title: null,
                scale: { domain: groups, scheme: 'tableau10' },
                legend: { orient: 'bottom', direction: 'horizontal' },
              },
            }
          : { color: { value: STRONG_BLUE } }),
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 11 },
        encoding: { text: { field: 'label' } },
      },
    ],
  };
}
