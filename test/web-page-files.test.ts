// The page end to end, its files: model files to and from the CLI (picked, dropped, saved,
// broken) and the user's own IDX files. Headless Chromium against a real `scratchnet serve`
// (setup: helpers/web-page.ts).

import assert from 'node:assert/strict';
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMnistPackage, MNIST_FILES } from '../src/data/mnist-files.js';
import { loadModelFile } from '../src/io/model-file.js';
import { predictProbabilities } from '../src/train/predict.js';
import { chromiumMissing } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';
import { writeSyntheticMnist } from './helpers/mnist-fixture.js';
import { pageSuite, TIMEOUT, type PageWindow } from './helpers/web-page.js';

declare const window: PageWindow;

describe('the page in headless Chromium, served by scratchnet serve: model files and data', { skip: chromiumMissing, concurrency: 1 }, () => {
  const { dir, open, state, pageRun, finished, cliTrain } = pageSuite();

  it('loads a model made by the CLI and classifies test digits as the library does; a bad file gets a message', { timeout: TIMEOUT }, async () => {
    const [{ out }, { page, problems, close }] = await Promise.all([cliTrain(['--iters', '500', '--eval-every', '0', '--seed', '5']), open('?threads=2')]);
    try {
      const modelPath = join(out, 'model.safetensors');
      const evaluation = await runCli(['evaluate', modelPath, '--json', '--mistakes', '0', '--out', out], { timeoutMs: TIMEOUT });
      assert.equal(evaluation.code, 0, evaluation.stderr);
      const cliAccuracy = (JSON.parse(evaluation.stdout) as { accuracy: number }).accuracy;

      await page.getByLabel('Load model', { exact: true }).setInputFiles(modelPath);
      await page.getByRole('alert').filter({ hasText: 'model.safetensors loaded' }).waitFor({ timeout: 60_000 });
      const pageAccuracy = (await state(page)).testAccuracy;
      assert.ok(Math.abs(pageAccuracy - cliAccuracy) <= 2e-4, `page ${pageAccuracy}, scratchnet evaluate ${cliAccuracy}`);

      const labels = await page.getByRole('list', { name: 'test digits with predictions' }).getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')!));
      const pagePredictions = labels.map((label) => Number(/predicted (\d+)/.exec(label)?.[1]));
      const model = loadModelFile(readFileSync(modelPath), modelPath);
      const test = loadMnistPackage().test;
      const probabilities = predictProbabilities(model.net, test.images.sliceRows(0, labels.length));
      const nodePredictions = Array.from({ length: labels.length }, (_, r) => {
        const row = Array.from(probabilities.data.subarray(r * 10, r * 10 + 10));
        return row.indexOf(Math.max(...row));
      });
      assert.equal(labels.length, 24);
      assert.deepEqual(pagePredictions, nodePredictions);

      // The same file dropped on the page.
      await page.getByRole('button', { name: 'Reset' }).click();
      await page.waitForFunction(() => Number.isNaN(window.scratchnetPage.state().testAccuracy), null, { timeout: 10_000 });
      const bytes = [...readFileSync(modelPath)];
      await page.evaluate((data) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], 'dropped.safetensors'));
        document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, bytes);
      await page.getByRole('alert').filter({ hasText: 'dropped.safetensors loaded' }).waitFor({ timeout: 60_000 });
      assert.equal((await state(page)).testAccuracy, pageAccuracy);

      await page.getByLabel('Load model', { exact: true }).setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model file') });
      await page.getByRole('alert').filter({ hasText: /^broken\.safetensors: / }).waitFor({ timeout: 10_000 });
      assert.equal((await state(page)).testAccuracy, pageAccuracy, 'the loaded model is still there');
      assert.equal(await page.getByRole('button', { name: 'Train' }).isEnabled(), true);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('saves its model; `scratchnet evaluate` reports the accuracy the page showed', { timeout: TIMEOUT }, async () => {
    const { page, problems, close } = await open('?iters=400&eval-every=0&seed=2&threads=2');
    try {
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 400);
      const shown = Number(await page.locator('#test-accuracy').textContent());
      const { testAccuracy } = await state(page);
      assert.equal(shown, Number(testAccuracy.toFixed(4)));
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
      assert.equal(download.suggestedFilename(), 'model.safetensors');
      const file = join(dir, 'page-model.safetensors');
      await download.saveAs(file);
      const evaluation = await runCli(['evaluate', file, '--json', '--mistakes', '0', '--out', dir], { timeoutMs: TIMEOUT });
      assert.equal(evaluation.code, 0, evaluation.stderr);
      const cliAccuracy = (JSON.parse(evaluation.stdout) as { accuracy: number }).accuracy;
      assert.ok(Math.abs(cliAccuracy - testAccuracy) <= 2e-4, `page ${testAccuracy}, scratchnet evaluate ${cliAccuracy}`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('trains on four IDX files the user picks (gzipped, 8×8, 4 classes); a broken file gets the CLI\'s one-line error', { timeout: TIMEOUT }, async () => {
    const data = writeSyntheticMnist(join(dir, 'own'), { gzip: true, size: 8, classes: 4, train: 300, test: 60 });
    const files = Object.values(MNIST_FILES).map((name) => join(data, `${name}.gz`));
    const { page, problems, close } = await open('?iters=60&eval-every=20&batch=10&threads=2');
    try {
      await page.getByLabel('Use IDX files', { exact: true }).setInputFiles(files);
      await page.getByLabel('dataset').filter({ hasText: '300 train and 60 test images of 8×8, 4 classes' }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 60);
      const run = await pageRun(page);
      assert.deepEqual(run.evaluations.map((e) => e.iteration), [0, 20, 40, 60]);
      assert.match((await page.locator('#tiles-note').textContent())!, /W1 columns: 50 pictures of 8×8/);

      // The conv net on the same images: N×1×8×8, its filters as pictures.
      await page.getByLabel('model', { exact: true }).selectOption('cnn');
      await page.getByLabel('iters', { exact: true }).fill('20');
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 20);
      assert.match((await page.locator('#tiles-note').textContent())!, /conv filters \(first channel\): 16 pictures of 3×3/);
      assert.ok(new URL(page.url()).search.includes('model=cnn'), page.url());
      await page.getByLabel('model', { exact: true }).selectOption('two-layer');
      await page.getByLabel('iters', { exact: true }).fill('60');

      // The same broken file for the page and for `scratchnet train --data`.
      const broken = writeSyntheticMnist(join(dir, 'broken'), { size: 8, classes: 4, train: 300, test: 60 });
      const brokenFile = join(broken, MNIST_FILES.testImages);
      truncateSync(brokenFile, 1000);
      const cli = await runCli(['train', '--data', broken, '--iters', '1', '--out', join(dir, 'unused')], { timeoutMs: TIMEOUT });
      assert.equal(cli.code, 1);
      const cliProblem = cli.stderr.trim().replace(`scratchnet: ${brokenFile}: `, '');
      assert.notEqual(cliProblem, cli.stderr.trim(), cli.stderr);
      await page.getByLabel('Use IDX files', { exact: true }).setInputFiles(Object.values(MNIST_FILES).map((name) => join(broken, name)));
      await page.getByRole('alert').filter({ hasText: `${MNIST_FILES.testImages}: ${cliProblem}` }).waitFor({ timeout: 10_000 });
      // The page keeps its data and still trains.
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 60);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
