// The chart's fonts: the two DejaVu Sans files when they are installed and the text needs
// nothing else (the same PNG as with every system font, and text that has ink), else the
// system scan.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { accuracyChart } from '../src/report/accuracy-chart.js';
import { DEJAVU_FILES, findFontFiles, fontOptions, type FontOptions } from '../src/report/chart-fonts.js';
import { renderSvg, svgToPng } from '../src/report/render.js';
import { baseConfig } from '../src/report/theme.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-fonts-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder holding `files` (empty: only their presence counts when choosing). */
async function folderWith(name: string, files: readonly string[]): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder);
  for (const file of files) await writeFile(join(folder, file), '');
  return folder;
}

const plainSvg = '<svg xmlns="http://www.w3.org/2000/svg"><text font-weight="bold">loss 0.97 – epochs → 10</text></svg>';

test('the first folder holding both files wins; one with only the regular weight does not count', async () => {
  const regularOnly = await folderWith('regular-only', [DEJAVU_FILES[0]!]);
  const both = await folderWith('both', DEJAVU_FILES);
  const dirs = [join(dir, 'missing'), regularOnly, both];
  assert.deepEqual(findFontFiles(dirs), DEJAVU_FILES.map((file) => join(both, file)));
  assert.deepEqual(fontOptions(plainSvg, dirs), {
    loadSystemFonts: false,
    fontFiles: DEJAVU_FILES.map((file) => join(both, file)),
    defaultFontFamily: 'DejaVu Sans',
    sansSerifFamily: 'DejaVu Sans',
  });
});

test('without the files, or with text or faces they lack, the system fonts are scanned', async () => {
  const both = await folderWith('both-again', DEJAVU_FILES);
  const system: FontOptions = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
  assert.deepEqual(fontOptions(plainSvg, [join(dir, 'nowhere')]), system);
  for (const svg of [
    '<svg><text>精度 accuracy</text></svg>',
    '<svg><text>&#31934;</text></svg>',
    '<svg><text font-style="italic">epochs</text></svg>',
    '<svg><text font-weight="300">epochs</text></svg>',
  ]) {
    assert.deepEqual(fontOptions(svg, [both]), system, svg);
  }
  assert.equal(fontOptions('<svg><text font-style="normal" font-weight="bold">a&amp;b&#xA;</text></svg>', [both]).loadSystemFonts, false);
});

/** RGBA pixels of the SVG drawn at scale 1 with these font options. */
function pixels(svg: string, font: FontOptions): Buffer {
  return new Resvg(svg, { font, background: 'white' }).render().pixels;
}

test('on this machine the charts load DejaVu Sans from its files, pixel for pixel what the system scan draws', async () => {
  const files = findFontFiles();
  assert.ok(files, 'DejaVu Sans (regular and bold) is not installed in a known folder: the charts fall back to scanning every font');
  const evaluations = [0, 1, 2].map((epoch) => ({ epoch, trainAccuracy: 0.3 * epoch, testAccuracy: 0.29 * epoch }));
  const svg = await renderSvg(accuracyChart(evaluations));
  assert.equal(fontOptions(svg).loadSystemFonts, false);
  assert.ok(pixels(svg, fontOptions(svg)).equals(pixels(svg, fontOptions(svg, []))), 'two-file and system-scan renders differ');
});

test('the text of a chart has ink where its labels are, with the fonts from their files and with the fallback', async () => {
  const spec: TopLevelSpec = {
    config: { ...baseConfig, view: { stroke: null } },
    width: 240,
    height: 40,
    data: { values: [{ t: 'Hg 0.97 → epochs' }] },
    mark: { type: 'text', fontSize: 20, align: 'left', baseline: 'alphabetic' },
    encoding: { text: { field: 't', type: 'nominal' } },
  };
  const svg = await renderSvg(spec);
  // Where the text starts, on its baseline: the mark's place, inside the chart's padding of 12.
  const [x, y] = /<text[^>]*transform="translate\(([\d.]+),([\d.]+)\)"/.exec(svg)!.slice(1).map((v) => Math.round(Number(v) + 12));
  for (const font of [fontOptions(svg), fontOptions(svg, [])]) {
    const png = new Resvg(svg, { font, background: 'white' }).render().asPng();
    // The 20 px text's box, from its cap height to its descenders, and the blank strip above it.
    const label = await sharp(png).extract({ left: x!, top: y! - 15, width: 150, height: 20 }).greyscale().raw().toBuffer();
    const above = await sharp(png).extract({ left: x!, top: y! - 28, width: 150, height: 10 }).greyscale().raw().toBuffer();
    const dark = (data: Buffer) => data.filter((v) => v < 100).length / data.length;
    assert.ok(dark(label) > 0.05, `loadSystemFonts ${font.loadSystemFonts}: label area ${dark(label)} dark`);
    assert.equal(dark(above), 0, `loadSystemFonts ${font.loadSystemFonts}: ink above the label`);
  }
  assert.deepEqual(svgToPng(svg, { scale: 1 }), new Uint8Array(new Resvg(svg, { font: fontOptions(svg, []), background: 'white' }).render().asPng()));
});
