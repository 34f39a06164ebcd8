// The page end to end, its training controls: loading, the isolation headers, the same
// losses as `scratchnet train`, Pause / Step / Resume / Reset while it stays responsive.
// Headless Chromium against a real `scratchnet serve` (setup: helpers/web-page.ts).

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { browserRequired, chromiumMissing } from './helpers/chromium.js';
import { pageSuite, TIMEOUT, type PageWindow } from './helpers/web-page.js';

declare const window: PageWindow;

if (chromiumMissing && browserRequired) {
  it('finds Chromium (SCRATCHNET_REQUIRE_BROWSER=1)', () => assert.fail(chromiumMissing));
}

describe('the page in headless Chromium, served by scratchnet serve: training controls', { skip: chromiumMissing, concurrency: 1 }, () => {
  const web = pageSuite();
  const { open, state, pageRun, finished, cliTrain } = web;

  it('loads with no console errors, cross-origin isolated, with every control named, under 300 KB of gzipped JS', { timeout: TIMEOUT }, async (t) => {
    const { page, problems, scripts, close } = await open('?threads=2');
    try {
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
      const { backend, threads } = await state(page);
      assert.match(backend, /^wasm (relaxed-simd|simd), 2 threads$/);
      assert.equal(threads, 2);
      for (const name of ['Train', 'Pause', 'Resume', 'Step', 'Reset', 'Save model', 'Clear']) {
        assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
      }
      for (const label of ['Load model', 'Use IDX files', 'Draw a digit', 'model', 'hidden', 'optimizer', 'lr', 'batch', 'iters', 'epochs', 'eval-every', 'seed']) {
        assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
      }
      assert.equal(await page.getByRole('button', { name: 'Train' }).isEnabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Pause' }).isEnabled(), false);
      // The worker and the wasm backend's threads have started: their modules are among the scripts.
      const paths = [...scripts.keys()].map((url) => new URL(url).pathname);
      for (const path of ['/dist/web/main.js', '/dist/web/worker.js', '/dist/src/index.js', '/dist/src/tensor/kernels/wasm/worker-web.js']) assert.ok(paths.includes(path), `${path} not loaded`);
      const bodies = await Promise.all(scripts.values());
      const raw = bodies.reduce((sum, body) => sum + body.length, 0);
      const gzipped = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
      t.diagnostic(`the page loads ${scripts.size} JS files: ${(raw / 1024).toFixed(0)} KB, ${(gzipped / 1024).toFixed(0)} KB gzipped (each file on its own)`);
      assert.ok(gzipped < 300 * 1024, `${gzipped} bytes of gzipped JS`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('works without the isolation headers (hosted elsewhere): one thread, same numbers', { timeout: TIMEOUT }, async () => {
    const context = await web.browser.newContext();
    // The same server's responses without COOP and COEP, as a plain static host sends them.
    await context.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${web.served.url}?iters=50&eval-every=0&seed=4&threads=2`);
      await page.waitForFunction(() => window.scratchnetPage?.state().backend !== '', null, { timeout: 30_000 });
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
      const { backend, threads } = await state(page);
      assert.match(backend, /^wasm (relaxed-simd|simd), 1 thread$/);
      assert.equal(threads, 1);
      assert.match((await page.locator('#backend').textContent())!, /not cross-origin isolated: one thread/);
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 50);
      const { metrics } = await cliTrain(['--iters', '50', '--eval-every', '0', '--seed', '4', '--threads', '1']);
      const run = await pageRun(page);
      run.losses.forEach((loss, i) => assert.ok(Math.abs(loss - metrics.loss[i]!) <= 1e-4 * Math.max(1, metrics.loss[i]!), `loss ${i}`));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('trains as `scratchnet train` does with the same settings and seed: same losses, and test accuracy rises', { timeout: TIMEOUT }, async (t) => {
    const settings = { iters: '300', 'eval-every': '100', seed: '3', lr: '0.1', hidden: '40' };
    const query = `?${new URLSearchParams(settings)}&threads=2`;
    const [{ metrics }, { page, problems, close }] = await Promise.all([
      cliTrain(Object.entries(settings).flatMap(([key, value]) => [`--${key}`, value]).concat(['--threads', '2'])),
      open(query),
    ]);
    try {
      assert.equal(await page.getByLabel('iters', { exact: true }).inputValue(), '300');
      assert.equal(await page.getByLabel('hidden', { exact: true }).inputValue(), '40');
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 300);
      const run = await pageRun(page);
      assert.equal(run.losses.length, 300);
      assert.equal(metrics.loss.length, 300);
      run.losses.forEach((loss, i) => {
        const reference = metrics.loss[i]!;
        assert.ok(Math.abs(loss - reference) <= 1e-4 * Math.max(1, Math.abs(reference)), `loss at iteration ${i}: page ${loss}, CLI ${reference}`);
      });
      // The page adds the final evaluation (all images, as metrics.json's "final") to the CLI's list.
      assert.deepEqual(run.evaluations.map((e) => e.iteration), [0, 100, 200, 300]);
      metrics.evaluations.forEach((e, i) => assert.ok(Math.abs(run.evaluations[i]!.testAccuracy - e.testAccuracy) <= 3e-4, `evaluation ${i}`));
      const final = run.evaluations.at(-1)!.testAccuracy;
      assert.ok(Math.abs(final - metrics.final.testAccuracy) <= 3e-4, `final: page ${final}, CLI ${metrics.final.testAccuracy}`);
      t.diagnostic(`test accuracy by evaluation: ${run.evaluations.map((e) => e.testAccuracy.toFixed(4)).join(' → ')}`);
      assert.ok(run.evaluations[0]!.testAccuracy < 0.3 && final > 0.85, 'test accuracy rises');
      assert.ok(new URL(page.url()).search.includes('iters=300'), page.url());
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('stays responsive while training; Pause stops the count, Step adds one iteration, Resume continues, Reset clears', { timeout: TIMEOUT }, async (t) => {
    const { page, problems, close } = await open('?iters=200000&eval-every=1000&threads=2');
    try {
      await page.getByRole('button', { name: 'Train' }).click();
      await page.waitForFunction(() => window.scratchnetPage.state().iteration > 1500, null, { timeout: TIMEOUT });
      // Input while training: keys typed into a field, each one's wait from arrival to handler.
      await page.evaluate(() => {
        const delays: number[] = [];
        (window as unknown as { inputDelays: number[] }).inputDelays = delays;
        document.querySelector('input[name="hidden"]')!.addEventListener('keydown', (event) => delays.push(performance.now() - event.timeStamp));
      });
      await page.getByLabel('hidden', { exact: true }).click();
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press(String(i % 10));
        await page.waitForTimeout(60);
      }
      const delays = await page.evaluate(() => (window as unknown as { inputDelays: number[] }).inputDelays.sort((a, b) => a - b));
      assert.equal(delays.length, 30);
      const p90 = delays[Math.floor(0.9 * delays.length)]!;
      t.diagnostic(`key press to handler while training: median ${delays[15]!.toFixed(1)} ms, 90th percentile ${p90.toFixed(1)} ms, worst ${delays.at(-1)!.toFixed(1)} ms`);
      assert.ok(p90 < 100, `90% of key presses should be handled within 100 ms; the 90th percentile took ${p90} ms`);
      assert.ok((await state(page)).running);

      await page.getByRole('button', { name: 'Pause' }).click();
      await page.getByRole('button', { name: 'Resume' }).waitFor({ state: 'visible' });
      await page.waitForFunction(() => !window.scratchnetPage.state().running, null, { timeout: 10_000 });
      const paused = (await state(page)).iteration;
      await page.waitForTimeout(700);
      assert.equal((await state(page)).iteration, paused, 'the count moved while paused');
      assert.equal(await page.getByRole('button', { name: 'Resume' }).isEnabled(), true);

      await page.getByRole('button', { name: 'Step' }).click();
      await page.waitForFunction((n) => window.scratchnetPage.state().iteration === n + 1, paused, { timeout: 10_000 });
      await page.waitForTimeout(300);
      assert.equal((await state(page)).iteration, paused + 1);

      await page.getByRole('button', { name: 'Resume' }).click();
      await page.waitForFunction((n) => window.scratchnetPage.state().iteration > n + 200, paused, { timeout: 30_000 });
      assert.equal((await state(page)).running, true);

      await page.getByRole('button', { name: 'Reset' }).click();
      await page.waitForFunction(() => window.scratchnetPage.state().iteration === 0 && !window.scratchnetPage.state().running, null, { timeout: 10_000 });
      assert.equal(await page.getByRole('button', { name: 'Train' }).isEnabled(), true);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
