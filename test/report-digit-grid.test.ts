import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { digitGridPng, digitGridSpec, inkOnWhite } from '../src/report/digit-grid.js';
import { readPngSize } from './helpers/png-info.js';

// biome-ignore lint/suspicious/noExplicitAny: Vega-Lite specs are deep JSON; the tests walk them freely
type Json = any;

/** A 28×28 digit-sized image whose ink fills the rows [from, to). */
function rows(from: number, to: number, value = 1): Float32Array {
  const pixels = new Float32Array(28 * 28);
  pixels.fill(value, from * 28, to * 28);
  return pixels;
}

async function gray(png: Uint8Array) {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
  return { width: info.width, height: info.height, at };
}

test('inkOnWhite: 0..1 floats and 0..255 bytes both become dark ink on white', () => {
  assert.deepEqual([...inkOnWhite(new Float32Array([0, 0.5, 1, NaN, -1]))], [255, 128, 0, 255, 255]);
  assert.deepEqual([...inkOnWhite(new Uint8Array([0, 51, 255]))], [255, 204, 0]);
  // floats above 1 are read as 0..255
  assert.deepEqual([...inkOnWhite(new Float32Array([0, 255]))], [255, 0]);
});

test('digitGridSpec lays images out in rows of `columns`, captions under them', async () => {
  const images = Array.from({ length: 5 }, (_, i) => ({ pixels: rows(0, 28), caption: `true ${i} → pred 9 (0.9${i})` }));
  const spec: Json = await digitGridSpec(images, 3, { title: 'wrong' });
  const cells = spec.data.values;
  assert.equal(cells.length, 5);
  assert.deepEqual(
    cells.map((c: Json) => c.top),
    [0, 0, 0, cells[3].top, cells[3].top],
  );
  assert.ok(cells[3].top > 0 && cells[3].left === cells[0].left && cells[1].left > cells[0].left);
  assert.equal(cells[4].caption, 'true 4 → pred 9 (0.94)');
  assert.match(cells[0].url, /^data:image\/png;base64,/);
  assert.ok(spec.layer.some((l: Json) => l.mark.type === 'image') && spec.layer.some((l: Json) => l.mark.type === 'text'));
  assert.equal(spec.title.text, 'wrong');
});

test('digitGridPng draws each image in its place, the right way up', async () => {
  // Left: ink in the top half only. Right: no ink at all.
  const png = await digitGridPng(
    [
      { pixels: rows(0, 14), caption: '' },
      { pixels: new Uint8Array(28 * 28), caption: '' },
    ],
    2,
  );
  const { width, height } = readPngSize(png);
  const image = await gray(png);
  assert.deepEqual([image.width, image.height], [width, height]);

  const dark: { x: number; y: number }[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (image.at(x, y) < 64) dark.push({ x, y });
  const tile = 112 * 2;
  assert.ok(Math.abs(dark.length - (tile * tile) / 2) < tile * 4, `${dark.length} dark pixels, want about half a tile`);
  const xs = dark.map((p) => p.x);
  const ys = dark.map((p) => p.y);
  assert.ok(Math.max(...xs) < width / 2, 'all ink is in the left image');
  const top = Math.min(...ys);
  assert.ok(Math.max(...ys) - top < tile / 2 + 2, 'ink only in the upper half of its tile');
  // The gray frame's top edge is right above the ink (not half a tile above, as if flipped),
  // and under the inked rows, inside the same frame, the tile is white.
  const x = Math.round((Math.min(...xs) + Math.max(...xs)) / 2);
  let frameTop = 0;
  while (frameTop < height && image.at(x, frameTop) > 230) frameTop++;
  assert.ok(top - frameTop <= 4, `ink starts ${top - frameTop} px below the frame`);
  assert.ok(image.at(x, top + Math.round(tile * 0.75)) > 240);
});

test('digitGridPng captions are drawn (there is ink under a blank image)', async () => {
  const blank = new Uint8Array(28 * 28);
  const withCaption = await gray(await digitGridPng([{ pixels: blank, caption: 'true 4 → pred 9 (0.98)' }], 1));
  let dark = 0;
  for (let y = 0; y < withCaption.height; y++) for (let x = 0; x < withCaption.width; x++) if (withCaption.at(x, y) < 64) dark++;
  assert.ok(dark > 100, `${dark} dark pixels`);
});

test('digitGrid refuses images that are not the stated size, and an empty list', async () => {
  await assert.rejects(digitGridSpec([{ pixels: new Float32Array(10), caption: 'x' }]), /10 pixels, not a square/);
  await assert.rejects(digitGridSpec([{ pixels: new Float32Array(12), caption: 'x', width: 5 }]), /12 pixels, not 5×\?/);
  await assert.rejects(digitGridSpec([]), /no images/);
  await assert.rejects(digitGridSpec([{ pixels: rows(0, 1), caption: '' }], 0), /columns/);
  const wide: Json = await digitGridSpec([{ pixels: new Float32Array(6), caption: 'w', width: 3, height: 2 }]);
  assert.equal(wide.data.values.length, 1);
});
