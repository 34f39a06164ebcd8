// Charts from the build's compiled structures (compiled-charts.ts, chart-structure.ts): the same
// Vega dataflow, SVG and PNG bytes as compiling and parsing the spec at run time; a spec of
// another structure, a missing, stale or damaged file: compiled as before.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fillSlots, slotPlaces, splitChart } from '../src/report/chart-structure.js';
import {
  chartRuntime,
  COMPILED_CHARTS_FILE,
  compiledStructureOf,
  compileStructures,
  readCompiledCharts,
  type CompiledChartsFile,
} from '../src/report/compiled-charts.js';
import { accuracyChart, type AccuracyPoint } from '../src/report/accuracy-chart.js';
import { lossChart } from '../src/report/loss-chart.js';
import { referenceChartSpecs } from '../src/report/reference-charts.js';
import { renderPng, renderSvg, svgToPng } from '../src/report/render.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-compiled-charts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run of the reference job's shape: 17 evaluations at whole epochs, 10 000 losses (some not finite). */
function runCharts(seed: number, title?: string): [TopLevelSpec, TopLevelSpec] {
  const evaluations: AccuracyPoint[] = Array.from({ length: 17 }, (_, epoch) => ({
    epoch,
    trainAccuracy: 1 - 0.5 / (epoch + seed),
    testAccuracy: 1 - 0.55 / (epoch + seed),
  }));
  const loss = Float32Array.from({ length: 10000 }, (_, i) => 2.3 / (1 + i / 300) + (0.1 * ((i * 7919 * seed) % 13)) / 13);
  loss[5000] = Number.NaN;
  return [accuracyChart(evaluations, { title }), lossChart(loss, { title })];
}

const silent: vega.LoggerInterface = vega.logger(vega.None);

/** The dataflow as render.ts made it before: Vega-Lite's compile, then Vega's parse. */
function parsedAtRunTime(spec: TopLevelSpec): vega.Runtime {
  return vega.parse(compile(spec).spec);
}

async function svgOf(runtime: vega.Runtime): Promise<string> {
  const view = new vega.View(runtime, { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

test('two runs of one job: one structure (the key), their own values (the slots)', () => {
  const [accuracyA, lossA] = runCharts(1);
  const [accuracyB, lossB] = runCharts(2, 'run "B" \u2028 – two');
  assert.equal(splitChart(accuracyA).key, splitChart(accuracyB).key);
  assert.equal(splitChart(lossA).key, splitChart(lossB).key);
  const { slots } = splitChart(lossB);
  assert.equal(slots[0], 'run "B" \u2028 – two');
  assert.equal((slots[1] as string[]).length, 2, 'the subtitle, both lines in one slot');
  assert.equal((slots[2] as unknown[]).length, 1000, 'the min–max buckets');
  assert.equal((slots[3] as unknown[]).length, 1000, 'the moving average');
  assert.notEqual(splitChart(lossChart(new Float32Array(500))).key, splitChart(lossA).key, 'a short run is drawn otherwise');
  assert.ok(!splitChart(lossA).key.includes('minibatch loss in each run of 10 iterations'), 'no text of the run in the key');
});

test('the structure compiled and parsed, its slots filled: the dataflow Vega-Lite and Vega make of the spec', async () => {
  const [accuracy, loss] = runCharts(3, 'quote " backslash \\ line\u2028separator');
  const made = await compileStructures([accuracy, loss]);
  for (const [i, spec] of [accuracy, loss].entries()) {
    const { slots } = splitChart(spec);
    const filled = fillSlots(made.charts[i]!.runtime, made.charts[i]!.places, slots, vega.stringValue);
    assert.deepEqual(filled, JSON.parse(JSON.stringify(parsedAtRunTime(spec))));
    assert.equal(await svgOf(filled as vega.Runtime), await svgOf(parsedAtRunTime(spec)));
  }
});

test('the build compiled the reference job\'s charts: the same PNG bytes as compiling at run time', async () => {
  assert.deepEqual(await compileStructures(referenceChartSpecs()), JSON.parse(readFileSync(COMPILED_CHARTS_FILE, 'utf8')), 'compiled-charts.json is current');
  for (const spec of runCharts(4)) {
    assert.ok(compiledStructureOf(spec), 'a reference chart has its structure compiled');
    assert.deepEqual(await renderPng(spec), svgToPng(await svgOf(parsedAtRunTime(spec))));
  }
  const short = lossChart(Float32Array.from({ length: 300 }, (_, i) => 1 / (i + 1)));
  assert.equal(compiledStructureOf(short), undefined);
  assert.equal(await renderSvg(short), await svgOf(parsedAtRunTime(short)), 'another structure compiles as before');
});

test('Vega-Lite\'s warnings come with a compiled structure as they come from the compile', async () => {
  // A stacked bar on a log scale: Vega-Lite warns, and the chart still draws.
  const spec: TopLevelSpec = {
    data: { values: [{ x: 'a', y: 1 }] },
    mark: 'bar',
    encoding: { x: { field: 'x', type: 'nominal' }, y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, stack: 'zero' } },
  };
  const collect = (into: string[]): vega.LoggerInterface => ({
    ...silent,
    warn: (...args: unknown[]) => {
      into.push(args.join(' '));
      return silent;
    },
  });
  const compiled: string[] = [];
  compile(spec, { logger: collect(compiled) });
  assert.ok(compiled.length > 0, 'the spec draws a warning');
  const made = await compileStructures([spec]);
  assert.deepEqual(made.charts[0]!.warnings, compiled);
  const replayed: string[] = [];
  const structures = new Map(made.charts.map((chart) => [JSON.stringify(chart.structure), chart]));
  assert.deepEqual(await chartRuntime(spec, collect(replayed), structures), JSON.parse(JSON.stringify(parsedAtRunTime(spec))));
  assert.deepEqual(replayed, compiled);
});

test('rendering the reference job\'s charts does not load Vega-Lite; another chart does', () => {
  const hooks = `export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    if (resolved.url.includes('/node_modules/vega-lite/')) process.stderr.write('vega-lite loaded\\n');
    return resolved;
  }`;
  const module = (name: string) => JSON.stringify(fileURLToPath(new URL(`../src/report/${name}.js`, import.meta.url)));
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    const { renderPng } = await import(${module('render')});
    const { referenceChartSpecs } = await import(${module('reference-charts')});
    for (const spec of referenceChartSpecs()) await renderPng(spec);
    console.log('reference charts drawn');
    await renderPng({ data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } });
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'reference charts drawn\n');
  assert.match(result.stderr, /^vega-lite loaded\n/, 'loaded for the other chart, not before');
});

test('a missing, stale or unreadable file: no compiled structures', () => {
  assert.equal(readCompiledCharts(join(dir, 'missing.json')).size, 0);
  const real = JSON.parse(readFileSync(COMPILED_CHARTS_FILE, 'utf8')) as CompiledChartsFile;
  assert.equal(readCompiledCharts(COMPILED_CHARTS_FILE).size, real.charts.length);
  const cases: [string, string][] = [
    ['old-vega.json', JSON.stringify({ ...real, vega: '5.0.0' })],
    ['old-vega-lite.json', JSON.stringify({ ...real, vegaLite: '5.0.0' })],
    ['truncated.json', JSON.stringify(real).slice(0, 1000)],
  ];
  for (const [name, text] of cases) {
    writeFileSync(join(dir, name), text);
    assert.equal(readCompiledCharts(join(dir, name)).size, 0, name);
  }
});

test('a damaged compiled structure is passed over: the spec is compiled and parsed instead', async () => {
  const [accuracy] = runCharts(5);
  const structure = compiledStructureOf(accuracy)!;
  const saved = structure.runtime;
  try {
    structure.runtime = saved.replace('"\\u0000slot":2', '"\\u0000slot":1');
    assert.deepEqual(await chartRuntime(accuracy, silent), parsedAtRunTime(accuracy));
  } finally {
    structure.runtime = saved;
  }
});

test('slotPlaces: each marker once and whole, as a value or a string literal in code; fillSlots puts the values there', () => {
  const text = (k: number) => `\u0000slot:${k}`;
  const data = (k: number) => [{ '\u0000slot': k }];
  const compiled = JSON.stringify({ b: data(1), c: [{ code: JSON.stringify(text(2)) }], a: text(0) });
  const places = slotPlaces(compiled, 3);
  assert.deepEqual(places, [
    { slot: 0, path: ['a'], asCode: false },
    { slot: 1, path: ['b'], asCode: false },
    { slot: 2, path: ['c', 0, 'code'], asCode: true },
  ]);
  assert.deepEqual(fillSlots(compiled, places!, ['x "y"', [1, 2], 'z'], JSON.stringify), { b: [1, 2], c: [{ code: '"z"' }], a: 'x "y"' });
  assert.equal(slotPlaces(JSON.stringify({ a: text(0) }), 2), undefined, 'a slot lost');
  assert.equal(slotPlaces(JSON.stringify({ a: text(0), b: [text(0)] }), 1), undefined, 'a slot copied');
  assert.equal(slotPlaces(JSON.stringify({ a: `title: ${text(0)}` }), 1), undefined, 'a slot inside a longer string');
  assert.equal(slotPlaces(JSON.stringify({ code: `${JSON.stringify(text(0))} + "!"` }), 1), undefined, 'a slot inside longer code');
  assert.throws(() => fillSlots(JSON.stringify({ a: 'moved' }), places!.slice(0, 1), ['x'], JSON.stringify), /no marker of slot 0 at a/);
});
