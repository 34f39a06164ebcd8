// Charts rendered in a worker thread: the same PNG bytes as in-process rendering, the same
// RenderError (with its stage) when a spec is broken, and an idle worker never holds the process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { startBackgroundRenderer } from '../src/report/background-render.js';
import { renderPng, RenderError } from '../src/report/render.js';
import { sampleTrainingCharts } from '../src/report/training-charts.js';

test('a background renderer gives the bytes renderPng gives, warmed up or not', async () => {
  const renderer = startBackgroundRenderer();
  try {
    const [accuracy, loss] = sampleTrainingCharts() as [TopLevelSpec, TopLevelSpec];
    const cold = await renderer.renderPng(accuracy);
    renderer.warmUp([loss]);
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
    const [accuracy] = sampleTrainingCharts() as [TopLevelSpec];
    assert.ok((await renderer.renderPng(accuracy)).length > 1000);
  } finally {
    await renderer.close();
  }
  await assert.rejects(renderer.renderPng({ mark: 'point' } as TopLevelSpec), /closed/);
});

test('an idle renderer does not keep a process alive; one with a render pending does until it is done', () => {
  const module = fileURLToPath(new URL('../src/report/background-render.js', import.meta.url));
  const charts = fileURLToPath(new URL('../src/report/training-charts.js', import.meta.url));
  const script = `
    const { startBackgroundRenderer } = await import(${JSON.stringify(module)});
    const { sampleTrainingCharts } = await import(${JSON.stringify(charts)});
    const renderer = startBackgroundRenderer();
    if (process.argv[1] === 'render') renderer.renderPng(sampleTrainingCharts()[0]).then((png) => console.log('png', png.length));
  `;
  for (const mode of ['idle', 'render']) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], { encoding: 'utf8', timeout: 60000 });
    assert.equal(result.status, 0, result.stderr);
    if (mode === 'idle') assert.equal(result.stdout, '');
    else assert.match(result.stdout, /^png \d+\n$/);
  }
});
