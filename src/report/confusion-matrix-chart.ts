// Confusion matrix as a heat map: true class on y, predicted class on x, the count written in
// each cell. The diagonal (correct) is drawn in one solid color; the errors get their own color
// scale, the share of the true class (count / row total) from 0 to the largest error share, so
// the few errors of a good classifier stand out instead of fading beside the diagonal's thousands.

import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, STRONG_BLUE } from './theme.js';

const CORRECT_COLOR = STRONG_BLUE;

export interface ConfusionMatrixChartOptions {
  title?: string;
}

export function confusionMatrixChart(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: ConfusionMatrixChartOptions = {},
): TopLevelSpec {
  const k = classNames.length;
  if (matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new Error(`confusionMatrixChart: matrix must be ${k}×${k} to match ${k} class names`);
  }
  if (new Set(classNames).size !== k) throw new Error('confusionMatrixChart: class names must be distinct');
  const bad = matrix.flat().find((c) => !(Number.isInteger(c) && c >= 0));
  if (bad !== undefined) throw new Error(`confusionMatrixChart: counts must be non-negative integers, got ${bad}`);

  const cells = [];
  let total = 0;
  let correct = 0;
  let maxErrorShare = 0;
  for (let t = 0; t < k; t++) {
    const row = matrix[t]!;
    const rowTotal = row.reduce((a, b) => a + b, 0);
    total += rowTotal;
    correct += row[t]!;
    for (let p = 0; p < k; p++) {
      const count = row[p]!;
      const share = rowTotal > 0 ? count / rowTotal : 0;
      if (p !== t) maxErrorShare = Math.max(maxErrorShare, share);
      cells.push({ trueClass: classNames[t]!, predictedClass: classNames[p]!, correct: p === t, count, share });
    }
  }
  const cell = Math.max(14, Math.min(40, Math.floor(480 / Math.max(1, k))));
  const fontSize = Math.max(7, Math.min(11, Math.floor(cell / 3.4)));
  const accuracy = total > 0 ? (correct / total).toFixed(4) : 'n/a';
  const order = [...classNames];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...baseConfig, view: { stroke: null }, axis: { ...baseConfig.axis, grid: false, ticks: false, domain: false } },
    title: {
      text: options.title ?? 'confusion matrix',
      subtitle: [`${total} images · accuracy ${accuracy}`, 'errors colored by their share of the true class'],
    },
    width: cell * k,
    height: cell * k,
    data: { values: cells },
    encoding: {
      x: { field: 'predictedClass', type: 'ordinal', sort: order, title: 'predicted', axis: { labelAngle: 0 } },
      y: { field: 'trueClass', type: 'ordinal', sort: order, title: 'true' },
    },
    layer: [
      {
        transform: [{ filter: 'datum.correct' }],
        mark: { type: 'rect', stroke: '#e8e8e8', strokeWidth: 1, color: CORRECT_COLOR },
      },
      {
        transform: [{ filter: '!datum.correct' }],
        mark: { type: 'rect', stroke: '#e8e8e8', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'error share',
            scale: { domain: [0, Math.max(maxErrorShare, 1e-3)], range: ['#ffffff', '#cb181d'], interpolate: 'rgb' },
            legend: { format: '.1%', gradientLength: Math.max(100, cell * k - 60) },
          },
        },
      },
      {
        mark: { type: 'text', baseline: 'middle', fontSize },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: [
              { test: `datum.correct || datum.share > ${0.7 * maxErrorShare}`, value: 'white' },
              { test: 'datum.count === 0', value: '#c4c4c4' },
            ],
            value: 'black',
          },
        },
      },
    ],
  };
}
