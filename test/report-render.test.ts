import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../src/io/atomic-write-node.js';
import { readPngSize } from './helpers/png-info.js';
import { renderPng, renderSvg, renderSvgWithWarnings, RenderError, svgToPng, svgToPngAsync, writePng } from '../src/report/render.js';
import { baseConfig } from '../src/report/theme.js';
import { writeTrainingCharts } from '../src/report/training-charts.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-report-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const points: TopLevelSpec = {
  config: baseConfig,
  width: 200,
  height: 100,
  data: { values: [{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 2 }] },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative', title: 'x axis' }, y: { field: 'y', type: 'quantitative' } },
};

/** Fractions of dark (luminance < 64) and light (> 192) pixels of a PNG, decoded by sharp. */
async function inkStats(png: Uint8Array): Promise<{ width: number; height: number; dark: number; light: number }> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  let light = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i]! < 64) dark++;
    else if (data[i]! > 192) light++;
  }
  const n = data.length / info.channels;
  return { width: info.width, height: info.height, dark: dark / n, light: light / n };
}

test('renderPng gives a real PNG: signature, IHDR size = SVG size × scale, dark ink on a light page', async () => {
  const svg = await renderSvg(points);
  const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
  const svgHeight = Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);
  for (const scale of [1, 2]) {
    const png = await renderPng(points, { scale });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(readPngSize(png), { width: svgWidth * scale, height: svgHeight * scale });
    assert.ok(png.length > 2000, `only ${png.length} bytes`);
    const stats = await inkStats(png);
    assert.deepEqual([stats.width, stats.height], [svgWidth * scale, svgHeight * scale]);
    assert.ok(stats.dark > 0.002, `dark fraction ${stats.dark}`);
    assert.ok(stats.light > 0.5, `light fraction ${stats.light}`);
  }
});

test('text is drawn with a system font (a text-only chart has ink)', async () => {
  const text: TopLevelSpec = {
    config: { ...baseConfig, view: { stroke: null } },
    width: 240,
    height: 40,
    data: { values: [{ t: 'Hg 0.97 → epochs' }] },
    mark: { type: 'text', fontSize: 20 },
    encoding: { text: { field: 't', type: 'nominal' } },
  };
  const svg = await renderSvg(text);
  assert.match(svg, /font-family="DejaVu Sans/);
  const stats = await inkStats(await renderPng(text));
  assert.ok(stats.dark > 0.01, `dark fraction ${stats.dark}: no glyphs were drawn, is the font missing?`);
});

test('a spec Vega-Lite cannot compile throws a RenderError naming the stage', async () => {
  const noMark = { data: { values: [] } } as unknown as TopLevelSpec;
  await assert.rejects(renderPng(noMark), (error: unknown) => {
    assert.ok(error instanceof RenderError);
    assert.equal(error.stage, 'compile');
    assert.match(error.message, /^chart rendering failed \(compile\): Invalid specification/);
    return true;
  });
  await assert.rejects(renderPng(null as unknown as TopLevelSpec), RenderError);
});

test('an error inside the Vega dataflow (bad expression at run time) throws instead of drawing half a chart', async () => {
  const badExpression: TopLevelSpec = {
    data: { values: [{ a: 1 }] },
    transform: [{ calculate: 'datum.a.b.c', as: 'b' }],
    mark: 'point',
    encoding: { x: { field: 'b', type: 'quantitative' } },
  };
  await assert.rejects(renderPng(badExpression), (error: unknown) => {
    assert.ok(error instanceof RenderError);
    assert.equal(error.stage, 'vega');
    assert.match(error.message, /reading 'c'/);
    return true;
  });
});

test('warnings are collected, not printed', async () => {
  const shapeOnBar = {
    data: { values: [{ x: 1 }] },
    mark: 'bar',
    encoding: { x: { field: 'x', type: 'quantitative' }, shape: { field: 'x' } },
  } as TopLevelSpec;
  const { warnings } = await renderSvgWithWarnings(shapeOnBar);
  assert.ok(warnings.some((w) => /shape/.test(w)), `a shape channel on a bar mark should warn: ${warnings.join('; ')}`);
});

test('svgToPng rejects broken SVG and a bad scale', () => {
  assert.throws(() => svgToPng('<svg'), (error: unknown) => error instanceof RenderError && error.stage === 'rasterize');
  assert.throws(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { scale: 0 }), RangeError);
});

test('svgToPngAsync (drawn on a libuv thread) gives the bytes of svgToPng and rejects what it rejects', async () => {
  const svg = await renderSvg(points);
  assert.deepEqual(await svgToPngAsync(svg), svgToPng(svg));
  assert.deepEqual(await svgToPngAsync(svg, { scale: 1 }), svgToPng(svg, { scale: 1 }));
  await assert.rejects(svgToPngAsync('<svg'), (error: unknown) => error instanceof RenderError && error.stage === 'rasterize');
  await assert.rejects(svgToPngAsync(svg, { scale: 0 }), RangeError);
});

test('writePng writes the PNG and leaves no temporary file', async () => {
  const path = join(dir, 'chart.png');
  await writePng(path, points);
  const bytes = new Uint8Array(await readFile(path));
  assert.ok(readPngSize(bytes).width > 0);
  assert.deepEqual(await readdir(dir), ['chart.png']);
  await rm(path);
});

test('writePng with a failing render creates nothing and keeps the previous file intact', async () => {
  const path = join(dir, 'kept.png');
  await writeFile(path, 'previous contents');
  const broken = { data: { values: [] } } as unknown as TopLevelSpec;
  await assert.rejects(writePng(path, broken), RenderError);
  await assert.rejects(writePng(join(dir, 'new.png'), broken), RenderError);
  assert.deepEqual(await readdir(dir), ['kept.png']);
  assert.equal(await readFile(path, 'utf8'), 'previous contents');
  await rm(path);
});

test('writeFileAtomic removes its temporary file when the final rename fails', async () => {
  const target = join(dir, 'occupied');
  await mkdir(join(target, 'child'), { recursive: true }); // renaming a file over a non-empty folder fails
  assert.throws(() => writeFileAtomic(target, new Uint8Array([1, 2, 3])), /occupied: cannot write/);
  assert.deepEqual(await readdir(dir), ['occupied']);
  await rm(target, { recursive: true });
  assert.throws(() => writeFileAtomic(join(dir, 'missing-folder', 'x.png'), new Uint8Array([1])), /missing-folder\/x\.png: cannot write \(ENOENT/);
});

test('readPngSize refuses what is not a PNG', () => {
  assert.throws(() => readPngSize(new TextEncoder().encode('GIF89a, certainly not a PNG file at all')), /bad signature/);
});

test('writeTrainingCharts writes accuracy.png and loss.png and nothing else', async () => {
  const run = join(dir, 'run');
  await mkdir(run);
  const evaluations = [0, 1, 2].map((epoch) => ({ epoch, trainAccuracy: 0.3 * epoch, testAccuracy: 0.29 * epoch }));
  const loss = Float32Array.from({ length: 50 }, (_, i) => 2.3 / (1 + i));
  const paths = await writeTrainingCharts(run, evaluations, loss);
  assert.deepEqual(paths, { accuracy: join(run, 'accuracy.png'), loss: join(run, 'loss.png') });
  assert.deepEqual((await readdir(run)).sort(), ['accuracy.png', 'loss.png']);
  for (const path of Object.values(paths)) assert.ok(readPngSize(new Uint8Array(await readFile(path))).width > 800);
  await rm(run, { recursive: true });
});
