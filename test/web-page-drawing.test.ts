// The page end to end, its drawing pad: a digit drawn with the mouse and with a finger,
// classified by the net the page trained. Headless Chromium against a real `scratchnet serve`
// (setup: helpers/web-page.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromiumMissing } from './helpers/chromium.js';
import { pageSuite, TIMEOUT, type PageWindow } from './helpers/web-page.js';

declare const window: PageWindow;

describe('the page in headless Chromium, served by scratchnet serve: drawing', { skip: chromiumMissing, concurrency: 1 }, () => {
  const { open, finished } = pageSuite();

  it('classifies a digit drawn with the mouse: 10 probabilities summing to 1, its input centred; Clear empties them', { timeout: TIMEOUT }, async () => {
    const { page, problems, close } = await open('?iters=600&eval-every=0&threads=2');
    try {
      await page.getByRole('button', { name: 'Train' }).click();
      await finished(page, 600);
      assert.equal(await page.evaluate(() => window.scratchnetPage.probabilities()), null);
      const pad = (await page.getByLabel('Draw a digit', { exact: true }).boundingBox())!;
      // A 7: a bar across the top, then a stroke down to the lower left.
      await page.mouse.move(pad.x + 70, pad.y + 60);
      await page.mouse.down();
      await page.mouse.move(pad.x + 210, pad.y + 60, { steps: 12 });
      await page.mouse.move(pad.x + 120, pad.y + 240, { steps: 16 });
      await page.mouse.up();
      await page.waitForFunction(() => window.scratchnetPage.probabilities() !== null, null, { timeout: 10_000 });
      const probabilities = (await page.evaluate(() => window.scratchnetPage.probabilities()))!;
      assert.equal(probabilities.length, 10);
      const sum = probabilities.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `probabilities sum to ${sum}`);
      assert.ok(probabilities.every((p) => p >= 0 && p <= 1));
      // The preview shows the 28×28 input: ink centred by mass, within the 20-pixel box.
      const input = await page.evaluate(() => {
        const canvas = document.getElementById('draw-input') as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
        let mass = 0, x = 0, y = 0, left = 28, right = -1, top = 28, bottom = -1;
        for (let i = 0; i < 784; i++) {
          const v = data[4 * i]!;
          mass += v; x += v * (i % 28); y += v * Math.floor(i / 28);
          if (v > 0) { left = Math.min(left, i % 28); right = Math.max(right, i % 28); top = Math.min(top, Math.floor(i / 28)); bottom = Math.max(bottom, Math.floor(i / 28)); }
        }
        return { cx: x / mass, cy: y / mass, width: right - left + 1, height: bottom - top + 1 };
      });
      assert.ok(Math.abs(input.cx - 14) < 1 && Math.abs(input.cy - 14) < 1, `centre of mass ${input.cx}, ${input.cy}`);
      assert.equal(Math.max(input.width, input.height), 20);
      const top = probabilities.indexOf(Math.max(...probabilities));
      assert.match((await page.getByRole('listitem', { name: new RegExp(`^class ${top}: `) }).textContent())!, /%/);

      await page.getByRole('button', { name: 'Clear' }).click();
      await page.waitForFunction(() => window.scratchnetPage.probabilities() === null, null, { timeout: 5000 });

      // A finger: a touch stroke through the browser's input pipeline (CDP), a vertical 1.
      const cdp = await page.context().newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: pad.x + x, y: pad.y + y }] });
      await touch('touchStart', 140, 50);
      for (let y = 60; y <= 230; y += 10) await touch('touchMove', 140, y);
      await touch('touchEnd', 140, 230);
      await page.waitForFunction(() => window.scratchnetPage.probabilities() !== null, null, { timeout: 10_000 });
      const touched = (await page.evaluate(() => window.scratchnetPage.probabilities()))!;
      assert.ok(Math.abs(touched.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(touched.indexOf(Math.max(...touched)), 1, `a vertical stroke: ${touched.map((p) => p.toFixed(3)).join(' ')}`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
