// The README's screenshots of the page (docs/page-training.png, docs/page-drawing.png):
// `scratchnet serve` on a free loopback port, headless Chromium (Debian's), a run of the
// reference job caught half-way, then a 3 drawn with the mouse against the trained net.
//   npm run build && node scripts/page-screenshots.mjs

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = spawn(process.execPath, [`${root}dist/cli/scratchnet.js`, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /http:\/\/\S+/.exec(out);
    if (match) resolve(match[0]);
  });
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1180, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${url}?iters=10000&eval-every=600&seed=1&threads=2`);
  await page.waitForFunction(() => window.scratchnetPage?.state().backend !== '');
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => window.scratchnetPage.state().iteration >= 4300, null, { timeout: 300_000, polling: 20 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${root}docs/page-training.png` });

  await page.waitForFunction(() => !window.scratchnetPage.state().running, null, { timeout: 300_000 });
  const pad = await page.getByLabel('Draw a digit', { exact: true });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  // A 3: two bowls open to the left.
  const at = (x, y) => [box.x + x, box.y + y];
  await page.mouse.move(...at(90, 60));
  await page.mouse.down();
  for (let a = -150; a <= 90; a += 10) {
    const r = (a * Math.PI) / 180;
    await page.mouse.move(...at(140 + 55 * Math.cos(r), 100 + 45 * Math.sin(r)));
  }
  for (let a = -90; a <= 150; a += 10) {
    const r = (a * Math.PI) / 180;
    await page.mouse.move(...at(140 + 62 * Math.cos(r), 196 + 52 * Math.sin(r)));
  }
  await page.mouse.up();
  await page.waitForFunction(() => window.scratchnetPage.probabilities() !== null);
  await page.waitForTimeout(300);
  const panel = page.locator('section.draw');
  const tiles = page.locator('section.tiles');
  const a = await panel.boundingBox();
  const b = await tiles.boundingBox();
  await page.screenshot({ path: `${root}docs/page-drawing.png`, clip: { x: a.x - 8, y: a.y - 8, width: b.x + b.width - a.x + 16, height: Math.max(a.height, b.height) + 16 } });
  console.log(JSON.stringify(await page.evaluate(() => window.scratchnetPage.state())));
} finally {
  await browser.close();
  server.kill('SIGINT');
}
