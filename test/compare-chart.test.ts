import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curvesChart } from '../src/report/curves-chart.js';

test('curvesChart: yDomain fixes and clamps the y scale (the book’s ylim), absent it fits the data', () => {
  const series = [{ name: 'a', values: [10, 1, 0.5] }, { name: 'b', values: [2, 1, 0.2] }];
  const labels = { title: 't', xTitle: 'iteration', yTitle: 'loss' };
  const yOf = (spec: ReturnType<typeof curvesChart>) => (spec as { layer: { encoding: { y: Record<string, unknown> } }[] }).layer.at(-1)!.encoding.y;
  assert.deepEqual(yOf(curvesChart(series, { ...labels, yDomain: [0, 2.5] })).scale, { domain: [0, 2.5], clamp: true });
  assert.equal(yOf(curvesChart(series, labels)).scale, undefined);
});
