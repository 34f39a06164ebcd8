// The page's pure parts in Node: its URL settings (the CLI's option names and checks) and
// the drawing's MNIST-like preprocessing (data/mnist-like.ts, shared with `scratchnet predict`).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { centreByMass, cropToInk, mnistLikePixels, resizeArea } from '../src/data/mnist-like.js';
import { parseSettings, settingsFromQuery, settingsQuery } from '../web/settings.js';
import { runCli } from './helpers/cli.js';

describe('page settings', () => {
  it('reads the CLI option names from the URL query, defaults for the rest', () => {
    const settings = parseSettings(settingsFromQuery('?model=mlp&hidden=100,50&optimizer=momentum&lr=0.05&batch=64&epochs=2&seed=7&threads=2&unknown=1'));
    assert.deepEqual(settings, {
      model: 'mlp', hidden: [100, 50], optimizer: 'momentum', lr: 0.05, batch: 64, iters: undefined, epochs: 2, evalEvery: undefined, seed: 7, backend: 'wasm', threads: 2,
    });
    assert.deepEqual(parseSettings({}), { ...parseSettings({ model: 'two-layer', seed: '1' }) });
    assert.equal(parseSettings({}).model, 'two-layer');
    assert.equal(parseSettings({ 'eval-every': '0' }).evalEvery, 0);
  });

  it('writes a query that reads back the same, in a stable order', () => {
    const text = { seed: '3', iters: '1200', model: 'two-layer' as const, hidden: '100,100', 'eval-every': '600' };
    const query = settingsQuery(text);
    assert.equal(query, '?model=two-layer&hidden=100,100&iters=1200&eval-every=600&seed=3');
    assert.deepEqual(settingsFromQuery(query), { model: 'two-layer', hidden: '100,100', iters: '1200', 'eval-every': '600', seed: '3' });
    assert.equal(settingsQuery({}), '');
  });

  it('refuses a bad value with the CLI check\'s own words', async () => {
    const cli = await runCli(['train', '--lr', 'fast']);
    const why = /is invalid\. (.*)$/.exec(cli.stderr.trim())?.[1];
    assert.ok(why, cli.stderr);
    assert.throws(() => parseSettings({ lr: 'fast' }), { name: 'InputError', message: `--lr fast: ${why}` });
    assert.throws(() => parseSettings({ seed: '-1' }), /^InputError: --seed -1: must be a whole number from 0 to 4294967295\.$/);
    assert.throws(() => parseSettings({ model: 'resnet' }), /--model resnet: must be one of two-layer, mlp, cnn, simple-cnn\./);
    assert.throws(() => parseSettings({ hidden: '10,x' }), /--hidden 10,x: must be whole numbers/);
    assert.throws(() => parseSettings({ iters: '10', epochs: '2' }), /give either --iters or --epochs/);
  });
});

describe('MNIST-like preprocessing of a drawing', () => {
  /** A w×h drawing, white ink on black: a filled rectangle. */
  function drawing(w: number, h: number, box: [number, number, number, number]): Float32Array {
    const image = new Float32Array(w * h);
    const [x0, y0, bw, bh] = box;
    for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) image[y * w + x] = 1;
    return image;
  }

  it('crops to the ink, scales its longer side to 20 and centres its mass at (14, 14)', () => {
    const pixels = mnistLikePixels(drawing(280, 280, [30, 100, 40, 120]), 280, 280)!;
    let mass = 0, sx = 0, sy = 0, left = 28, right = -1, top = 28, bottom = -1;
    for (let i = 0; i < 784; i++) {
      const v = pixels[i]!;
      const x = i % 28, y = Math.floor(i / 28);
      mass += v; sx += v * x; sy += v * y;
      if (v > 0) { left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y); }
    }
    assert.equal(bottom - top + 1, 20);
    assert.equal(right - left + 1, 7); // 40 × 20/120 = 6.67 → 7
    assert.ok(Math.abs(sx / mass - 14) <= 0.5 && Math.abs(sy / mass - 14) <= 0.5, `centre ${sx / mass}, ${sy / mass}`);
  });

  it('finds no digit on an empty pad, and reads dark ink on white the same as white on black', () => {
    assert.equal(mnistLikePixels(new Float32Array(100 * 100), 100, 100), undefined);
    const light = drawing(100, 100, [20, 10, 30, 60]);
    const dark = light.map((v) => 1 - v);
    assert.deepEqual(mnistLikePixels(dark, 100, 100), mnistLikePixels(light, 100, 100));
    assert.equal(cropToInk(dark, 100, 100)!.inverted, true);
  });

  it('resizes by area: a 4×4 checker of 2×2 blocks halves to its block means', () => {
    const image = Uint8Array.from({ length: 16 }, (_, i) => ((Math.floor(i / 8) + Math.floor((i % 4) / 2)) % 2 ? 200 : 0));
    assert.deepEqual([...resizeArea(image, 4, 4, 2, 2)], [0, 200, 200, 0]);
    // 3 → 2 columns: output pixel 0 covers input 0 and half of 1.
    assert.deepEqual([...resizeArea(Uint8Array.from([0, 90, 180]), 3, 1, 2, 1)], [30, 150]);
    const mean = (values: Uint8Array) => values.reduce((a, b) => a + b, 0) / values.length;
    const random = Uint8Array.from({ length: 60 * 45 }, (_, i) => (i * 7919) % 256);
    assert.ok(Math.abs(mean(resizeArea(random, 60, 45, 20, 15)) - mean(random)) < 1);
  });

  it('centres by mass: one bright pixel lands on the centre, size / 2', () => {
    const image = new Uint8Array(9);
    image[2 * 3 + 2] = 255;
    const out = centreByMass(image, 3, 3, 6);
    assert.equal(out[3 * 6 + 3], 1);
    assert.equal(out.reduce((a, b) => a + b, 0), 1);
  });
});
