// Charts rendered in a worker thread: the same PNG bytes as in-process rendering, the same
// RenderError (with its stage) when a spec is broken, and an idle worker never holds the process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { startBackgroundRenderer } from '../src/report/background-render.js';
import { renderPng, RenderError } from '../src/report/render.js';
import { accuracyChart } from '../src/report/accuracy-chart.js';
import { lossChart } from '../src/report/loss-chart.js';

/** Charts shaped like a run's: an evaluation per epoch, a long loss series. */
function sampleCharts(): [TopLevelSpec, TopLevelSpec] {
  const evaluations = Array.from({ length: 17 }, (_, i) => ({ epoch: i, trainAccuracy: 1 - 0.5 / (i + 1), testAccuracy: 1 - 0.55 / (i + 1) }));
  const loss = Float32Array.from({ length: 10000 }, (_, i) => 2.3 / (1 + i / 300) + (0.1 * ((i * 7919) % 13)) / 13);
  return [accuracyChart(evaluations), lossChart(loss)];
}

test('a background renderer gives the bytes renderPng gives, the first time and after', async () => {
  const renderer = startBackgroundRenderer();
  try {
    const [accuracy, loss] = sampleCharts();
    const cold = await renderer.renderPng(accuracy);
    const [again, lossPng] = await Promise.all([renderer.renderPng(accuracy), renderer.renderPng(loss)]);
    assert.deepEqual(cold, await renderPng(accuracy));
    assert.deepEqual(again, cold);
    assert.deepEqual(lossPng, await renderPng(loss));
  } finally {
    await renderer.close();
  }
});

test('a broken spec rejects with the RenderError and stage of in-process rendering; the worker lives on', async () => {
  const renderer = startBackgroundRenderer();
  try {
    const noMark = { data: { values: [] } } as unknown as TopLevelSpec;
    await assert.rejects(renderer.renderPng(noMark), (error: unknown) => {
      assert.ok(error instanceof RenderError);
      assert.equal(error.stage, 'compile');
      assert.match(error.message, /^chart rendering failed \(compile\): Invalid specification/);
      return true;
    });
    const [accuracy] = sampleCharts();
    assert.ok((await renderer.renderPng(accuracy)).length > 1000);
  } finally {
    await renderer.close();
  }
  await assert.rejects(renderer.renderPng({ mark: 'point' } as TopLevelSpec), /closed/);
});

test('renders in flight together: a broken spec fails alone, each other request gets its own chart', async () => {
  const renderer = startBackgroundRenderer();
  try {
    const [accuracy, loss] = sampleCharts();
    const noMark = { data: { values: [] } } as unknown as TopLevelSpec;
    const [broken, lossPng, accuracyPng] = await Promise.allSettled([renderer.renderPng(noMark), renderer.renderPng(loss), renderer.renderPng(accuracy)]);
    assert.ok(broken.status === 'rejected' && broken.reason instanceof RenderError && broken.reason.stage === 'compile');
    assert.deepEqual(lossPng, { status: 'fulfilled', value: await renderPng(loss) });
    assert.deepEqual(accuracyPng, { status: 'fulfilled', value: await renderPng(accuracy) });
  } finally {
    await renderer.close();
  }
});

test('an idle renderer does not keep a process alive; one with a render pending does until it is done', () => {
  const module = fileURLToPath(new URL('../src/report/background-render.js', import.meta.url));
  const script = `
    const { startBackgroundRenderer } = await import(${JSON.stringify(module)});
    const renderer = startBackgroundRenderer();
    const spec = { data: { values: [{ x: 1 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } };
    if (process.argv[1] === 'render') renderer.renderPng(spec).then((png) => console.log('png', png.length));
  `;
  for (const mode of ['idle', 'render']) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], { encoding: 'utf8', timeout: 60000 });
    assert.equal(result.status, 0, result.stderr);
    if (mode === 'idle') assert.equal(result.stdout, '');
    else assert.match(result.stdout, /^png \d+\n$/);
  }
});
