import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { accuracyChart } from '../src/report/accuracy-chart.js';
import { barChart, formatValue } from '../src/report/bar-chart.js';
import { confusionMatrixChart } from '../src/report/confusion-matrix-chart.js';
import { curvesChart } from '../src/report/curves-chart.js';
import { lossChart } from '../src/report/loss-chart.js';
import { readPngSize } from './helpers/png-info.js';
import { renderPng, renderSvgWithWarnings, svgToPng } from '../src/report/render.js';
import { movingAverage } from '../src/report/series.js';

// Specs are plain JSON; read them without fighting Vega-Lite's union types.
// biome-ignore lint/suspicious/noExplicitAny: Vega-Lite specs are deep JSON; the tests walk them freely
type Json = any;
const json = (spec: TopLevelSpec): Json => JSON.parse(JSON.stringify(spec));

/** Renders with no warnings and gives a valid PNG with both dark and light pixels. */
async function assertRenders(spec: TopLevelSpec): Promise<string> {
  const { svg, warnings } = await renderSvgWithWarnings(spec);
  assert.deepEqual(warnings, []);
  const png = svgToPng(svg);
  const { width, height } = readPngSize(png);
  assert.ok(width >= 400 && height >= 200, `${width}×${height}`);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  let light = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i]! < 64) dark++;
    else if (data[i]! > 192) light++;
  }
  assert.ok(dark > 200 && light > data.length / info.channels / 2, `dark ${dark}, light ${light}`);
  return svg;
}

function noisyLoss(n: number, seed = 5): Float32Array {
  let s = seed;
  const loss = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    loss[i] = 0.1 + 2.2 * Math.exp(-i / 300) + 0.2 * (s / 2147483647 - 0.5);
  }
  return loss;
}

const evaluations = Array.from({ length: 17 }, (_, epoch) => ({
  epoch,
  iteration: epoch * 600,
  trainAccuracy: 0.1 + 0.87 * (1 - Math.exp(-epoch)),
  testAccuracy: 0.1 + 0.86 * (1 - Math.exp(-epoch)),
}));

test('accuracyChart: the book figure — epochs × accuracy in [0, 1], train solid, test dashed, legend', async () => {
  const spec = json(accuracyChart(evaluations));
  assert.equal(spec.encoding.x.field, 'epoch');
  assert.equal(spec.encoding.x.title, 'epochs');
  assert.equal(spec.encoding.y.title, 'accuracy');
  assert.deepEqual(spec.encoding.y.scale.domain, [0, 1]);
  const dash = spec.encoding.strokeDash.scale;
  assert.deepEqual(dash.domain, ['train', 'test']);
  assert.deepEqual(dash.range[0], [1, 0], 'train is solid');
  assert.ok(dash.range[1].length === 2 && dash.range[1][1] > 0, 'test is dashed');
  assert.ok(spec.mark.point, 'points are drawn');
  assert.equal(spec.data.values.length, 2 * evaluations.length);
  assert.deepEqual(spec.data.values[3], { epoch: 1, set: 'test', accuracy: evaluations[1]!.testAccuracy });
  assert.match(spec.title.subtitle, /^last evaluation \(epoch 16\): train 0\.9\d{3} · test 0\.9\d{3}$/);

  const svg = await assertRenders(accuracyChart(evaluations));
  assert.match(svg, /stroke-dasharray="6,4"/);
  for (const label of ['epochs', 'accuracy', '>train<', '>test<', '>1.0<']) assert.ok(svg.includes(label), label);
});

test('lossChart on 10 000 iterations: few points drawn, the full envelope kept, the smoothing named', async () => {
  const loss = noisyLoss(10_000);
  loss[7777] = 3.5; // a spike that must stay visible
  const started = performance.now();
  const spec = json(lossChart(loss));
  const [band, line] = spec.layer;
  assert.equal(band.mark.type, 'area');
  assert.ok(band.data.values.length <= 1000 && line.data.values.length <= 1000);
  const lows = band.data.values.map((d: Json) => d.min);
  const highs = band.data.values.map((d: Json) => d.max);
  assert.equal(Math.min(...lows), Math.min(...loss));
  assert.equal(Math.max(...highs), 3.5);
  assert.equal(line.encoding.y.field, 'loss');
  assert.equal(spec.layer[0].encoding.x.title, 'iteration');
  assert.match(spec.title.subtitle.join(' '), /moving average over 201 iterations \(narrower early on\)/);
  const smooth = movingAverage(loss, 201);
  for (const point of line.data.values) assert.equal(point.loss, smooth[point.iteration]);

  await assertRenders(lossChart(loss));
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 10, `10 000-point loss chart took ${seconds.toFixed(2)} s`);
});

test('lossChart on a short run draws every raw point; non-finite losses become gaps', async () => {
  const loss = Array.from(noisyLoss(120));
  loss[50] = NaN;
  const spec = json(lossChart(loss, { smoothingWindow: 9, title: 'short' }));
  const [raw, line] = spec.layer;
  assert.equal(raw.mark.type, 'line');
  assert.equal(raw.data.values.length, 120);
  assert.equal(raw.data.values[50].loss, null);
  assert.equal(line.data.values.length, 120);
  assert.match(spec.title.subtitle[0], /over 9 iterations/);
  await assertRenders(lossChart(loss, { smoothingWindow: 9 }));
});

test('curvesChart: one color per name in the given order, smoothing as asked, names unique', async () => {
  const series = [
    { name: 'SGD', values: Array.from(noisyLoss(400, 1)) },
    { name: 'Adam', values: Array.from(noisyLoss(300, 2)) },
    { name: 'AdaGrad', values: noisyLoss(2500, 3) },
  ];
  const options = { title: 'optimizers', xTitle: 'iteration', yTitle: 'loss' };
  const raw = json(curvesChart(series, options));
  const rawLine = raw.layer.at(-1);
  assert.deepEqual(rawLine.encoding.color.scale.domain, ['SGD', 'Adam', 'AdaGrad']);
  assert.equal(rawLine.encoding.x.title, 'iteration');
  assert.equal(rawLine.encoding.y.title, 'loss');
  assert.equal(rawLine.data.values.filter((d: Json) => d.series === 'SGD').length, 400);
  assert.ok(rawLine.data.values.filter((d: Json) => d.series === 'AdaGrad').length <= 1000, 'long series are bucketed');
  assert.equal(raw.layer.length, 2, 'the bucketed series gets a min–max band');

  const smoothed = json(curvesChart(series, { ...options, smooth: 25 }));
  assert.equal(smoothed.layer.length, 1);
  const adam = smoothed.layer[0].data.values.filter((d: Json) => d.series === 'Adam');
  const want = movingAverage(series[1]!.values, 25);
  adam.forEach((d: Json) => assert.equal(d.y, want[d.x]));
  assert.match(smoothed.title.subtitle.join(' '), /moving average over 25 points/);

  assert.throws(() => curvesChart([series[0]!, series[0]!], options), /"SGD" appears twice/);
  await assertRenders(curvesChart(series, { ...options, smooth: true }));
});

test('barChart: horizontal bars in the given order with value labels, optional groups', async () => {
  const rows = [
    { name: 'scratchnet wasm', value: 4.83, group: 'scratchnet' },
    { name: 'NumPy', value: 27.41, group: 'NumPy' },
    { name: 'TensorFlow.js cpu', value: 612.4, group: 'TensorFlow.js' },
  ];
  const spec = json(barChart(rows, { title: 'wall time', unit: 's', xTitle: 'seconds' }));
  assert.equal(spec.encoding.y.field, 'name');
  assert.deepEqual(spec.encoding.y.sort, ['scratchnet wasm', 'NumPy', 'TensorFlow.js cpu']);
  assert.equal(spec.encoding.x.field, 'value');
  assert.equal(spec.encoding.x.type, 'quantitative');
  assert.equal(spec.encoding.x.title, 'seconds');
  assert.equal(spec.layer[0].mark.type, 'bar');
  assert.equal(spec.layer[0].encoding.color.field, 'group');
  assert.equal(spec.layer[1].mark.type, 'text');
  assert.deepEqual(
    spec.data.values.map((d: Json) => d.label),
    ['4.83 s', '27.4 s', '612 s'],
  );
  const svg = await assertRenders(barChart(rows, { title: 'wall time', unit: 's' }));
  assert.ok(svg.includes('>27.4 s<') && svg.includes('>TensorFlow.js cpu<'));

  const ungrouped = json(barChart(rows.map(({ name, value }) => ({ name, value })), { title: 't', unit: 'ms' }));
  assert.equal(ungrouped.layer[0].encoding.color.field, undefined);
  assert.throws(() => barChart([rows[0]!, rows[0]!], { title: 't', unit: 's' }), /appears twice/);
  assert.throws(() => barChart([{ name: 'x', value: NaN }], { title: 't', unit: 's' }), /no finite value/);
});

test('formatValue: three significant digits without dropping integer digits', () => {
  assert.deepEqual(
    [0, 0.012345, 0.5, 1, 1.5, 4.834, 27.41, 612.4, 1234.5, -3.25].map(formatValue),
    ['0', '0.0123', '0.5', '1', '1.5', '4.83', '27.4', '612', '1235', '-3.25'],
  );
});

test('confusionMatrixChart: true on y, predicted on x, a count in every cell, errors on their own scale', async () => {
  const classes = ['0', '1', '2'];
  const matrix = [
    [50, 2, 0],
    [1, 60, 3],
    [0, 0, 40],
  ];
  const spec = json(confusionMatrixChart(matrix, classes));
  assert.equal(spec.encoding.y.field, 'trueClass');
  assert.equal(spec.encoding.y.title, 'true');
  assert.equal(spec.encoding.x.field, 'predictedClass');
  assert.equal(spec.encoding.x.title, 'predicted');
  assert.deepEqual(spec.encoding.y.sort, classes);
  const cells = spec.data.values;
  assert.equal(cells.length, 9);
  const cell = (t: string, p: string) => cells.find((c: Json) => c.trueClass === t && c.predictedClass === p);
  assert.equal(cell('1', '2').count, 3);
  assert.equal(cell('1', '2').share, 3 / 64);
  assert.equal(cell('2', '2').correct, true);
  assert.equal(cell('0', '1').correct, false);
  const text = spec.layer.find((l: Json) => l.mark.type === 'text');
  assert.equal(text.encoding.text.field, 'count');
  const errors = spec.layer.find((l: Json) => l.encoding?.color?.field === 'share');
  assert.deepEqual(errors.encoding.color.scale.domain, [0, 3 / 64]);
  assert.match(spec.title.subtitle[0], /156 images · accuracy 0\.9615/);

  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const big = digits.map((_, t) => digits.map((__, p) => (t === p ? 1000 + t : (t * 7 + p * 3) % 5)));
  const svg = await assertRenders(confusionMatrixChart(big, digits));
  assert.ok(svg.includes('>1009<'));

  assert.throws(() => confusionMatrixChart([[1, 2]], ['a']), /1×1/);
  assert.throws(() => confusionMatrixChart([[1]], ['a', 'b']), /2×2/);
  assert.throws(() => confusionMatrixChart([[1.5]], ['a']), /non-negative integers/);
});

test('renderPng is deterministic', async () => {
  const spec = accuracyChart(evaluations.slice(0, 4));
  assert.deepEqual(await renderPng(spec), await renderPng(spec));
});
