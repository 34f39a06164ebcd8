// Images a person might give `predict`, made by the test from MNIST test digits: enlarged,
// inverted (dark ink on white), JPEG-compressed, off-centre in a larger canvas. Made
// MNIST-like again, they must get the trained model's answer for the original digit.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { readMnistLikeImage } from '../src/data/image-input.js';
import { Tensor } from '../src/tensor/tensor.js';
import { predictProbabilities } from '../src/train/predict.js';
import { runCli } from './helpers/cli.js';
import { trainedModel, type TrainedModel } from './helpers/trained-model.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-images-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j]! > values[best]!) best = j;
  return best;
}

/** Renders digit `pixels` (28×28, 0..1) in several ways a person's photo or drawing might look. */
async function renderVariants(pixels: Float32Array, name: string): Promise<Record<string, string>> {
  const digit = () => sharp(Buffer.from(Array.from(pixels, (v) => Math.round(255 * v))), { raw: { width: 28, height: 28, channels: 1 } });
  const files = {
    enlargedPng: join(dir, `${name}-enlarged.png`),
    invertedJpeg: join(dir, `${name}-inverted.jpg`),
    offCentrePng: join(dir, `${name}-offcentre.png`),
    greyPaperWebp: join(dir, `${name}-paper.webp`),
  };
  await digit().resize(112, 112, { kernel: 'cubic' }).png().toFile(files.enlargedPng);
  await digit().negate().resize(84, 84, { kernel: 'cubic' }).jpeg({ quality: 80 }).toFile(files.invertedJpeg);
  const small = await digit().negate().resize(70, 70, { kernel: 'cubic' }).png().toBuffer();
  await sharp({ create: { width: 220, height: 150, channels: 3, background: '#ffffff' } }).composite([{ input: small, left: 135, top: 12 }]).png().toFile(files.offCentrePng);
  // Dark grey ink on light grey paper, colour, lossy WebP.
  const paper = await digit().linear(-0.6, 220).resize(150, 150, { kernel: 'lanczos3' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  await sharp(paper.data, { raw: { width: 150, height: 150, channels: paper.info.channels } }).tint('#e0d8c0').webp({ quality: 75 }).toFile(files.greyPaperWebp);
  return files;
}

describe('predict on images made from MNIST test digits', () => {
  let model: TrainedModel;
  const digits: { index: number; predicted: number; confidence: number; files: Record<string, string> }[] = [];

  before(async () => {
    model = trainedModel();
    const x = model.data.test.images;
    for (let k = 0; k < 40; k++) {
      const index = 17 + k * 241;
      const probabilities = predictProbabilities(model.net, x.sliceRows(index, index + 1)).data;
      const predicted = argmax(probabilities);
      digits.push({ index, predicted, confidence: probabilities[predicted]!, files: await renderVariants(x.data.subarray(index * 784, (index + 1) * 784) as Float32Array, `digit${index}`) });
    }
  });

  it('gets the original digit\'s answer for every rendering of a confidently classified digit', async (t) => {
    let agree = 0;
    let total = 0;
    const disagreements: string[] = [];
    for (const digit of digits) {
      for (const [variant, file] of Object.entries(digit.files)) {
        const image = await readMnistLikeImage(file);
        const answer = argmax(predictProbabilities(model.net, new Tensor(image.pixels, [1, 784])).data);
        total++;
        if (answer === digit.predicted) agree++;
        else {
          disagreements.push(`test digit ${digit.index} ${variant}: ${answer} vs ${digit.predicted} (original's probability ${digit.confidence.toFixed(2)})`);
          assert.ok(digit.confidence < 0.9, `test digit ${digit.index} (${variant}): predicted ${answer}, the original ${digit.predicted} with probability ${digit.confidence.toFixed(3)}`);
        }
      }
    }
    t.diagnostic(`model test accuracy ${model.testAccuracy.toFixed(4)}; rendered images agreeing with the original digit: ${agree}/${total} (${((100 * agree) / total).toFixed(1)}%)`);
    for (const line of disagreements) t.diagnostic(line);
    // Digits the model is unsure of may flip under any re-rendering; the rule above is the strict one.
    assert.ok(agree / total >= 0.9, `${agree}/${total} agree`);
  });

  it('inverts only the light-background images', async () => {
    const { files } = digits[0]!;
    assert.equal((await readMnistLikeImage(files.enlargedPng!)).inverted, false);
    assert.equal((await readMnistLikeImage(files.invertedJpeg!)).inverted, true);
    assert.equal((await readMnistLikeImage(files.greyPaperWebp!)).inverted, true);
  });

  it('scripts the same answers through `scratchnet predict --json`, and prints the top 3 as text', async () => {
    const files = digits.slice(0, 5).map((d) => d.files.offCentrePng!);
    const json = await runCli(['predict', model.path, ...files, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const answers = JSON.parse(json.stdout) as { file: string; top: { class: number; probability: number }[] }[];
    assert.deepEqual(answers.map((a) => a.file), files);
    for (const [i, answer] of answers.entries()) {
      const image = await readMnistLikeImage(files[i]!);
      const probabilities = predictProbabilities(model.net, new Tensor(image.pixels, [1, 784])).data;
      assert.equal(answer.top.length, 3);
      assert.equal(answer.top[0]!.class, argmax(probabilities));
      assert.ok(Math.abs(answer.top[0]!.probability - probabilities[answer.top[0]!.class]!) < 1e-6);
      assert.ok(answer.top[0]!.probability >= answer.top[1]!.probability && answer.top[1]!.probability >= answer.top[2]!.probability);
    }
    const text = await runCli(['predict', model.path, files[0]!]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`offcentre\\.png  →  ${answers[0]!.top[0]!.class} \\(\\d+\\.\\d%\\)   \\d \\(\\d+\\.\\d%\\)   \\d \\(\\d+\\.\\d%\\)\\n$`));
  });
});

describe('making an image MNIST-like', () => {
  it('fits the ink\'s longer side to 20 pixels and puts its centre of mass at (14, 14)', async () => {
    // A black bar 30 wide and 120 tall, off-centre on white: aspect 1:4 → 5×20 after scaling.
    const width = 300;
    const height = 200;
    const pixels = Buffer.alloc(width * height, 255);
    for (let y = 40; y < 160; y++) for (let x = 200; x < 230; x++) pixels[y * width + x] = 0;
    const file = join(dir, 'bar.png');
    await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toFile(file);
    const image = await readMnistLikeImage(file);
    assert.equal(image.inverted, true);
    assert.deepEqual(image.boundingBox, [200, 40, 30, 120]);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = image.pixels[y * 28 + x]!;
        mass += v;
        cx += v * x;
        cy += v * y;
        if (v > 0.5) {
          rows.add(y);
          cols.add(x);
        }
      }
    }
    assert.ok(Math.abs(cx / mass - 14) <= 0.5 && Math.abs(cy / mass - 14) <= 0.5, `centre of mass (${cx / mass}, ${cy / mass})`);
    assert.equal(rows.size, 20);
    assert.equal(cols.size, 5);
  });

  it('refuses a blank image, a file that is not an image, a missing file and a folder, naming each', async () => {
    const blank = join(dir, 'blank.png');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#f0f0f0' } }).png().toFile(blank);
    await assert.rejects(readMnistLikeImage(blank), { name: 'InputError', message: `${blank}: no digit found (the image is almost uniform)` });
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'not a picture');
    await assert.rejects(readMnistLikeImage(text), { name: 'InputError', message: `${text}: not an image in a format sharp can read` });
    await assert.rejects(readMnistLikeImage(join(dir, 'nope.png')), { name: 'InputError', message: `${join(dir, 'nope.png')}: file not found` });
    await assert.rejects(readMnistLikeImage(dir), { name: 'InputError', message: `${dir}: is a folder, not an image` });
  });

  it('`scratchnet predict` stops at an unreadable image with one line naming it, printing no predictions', async () => {
    const model = trainedModel();
    const good = join(dir, 'good.png');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#ffffff' } })
      .composite([{ input: Buffer.alloc(10 * 20, 0), raw: { width: 10, height: 20, channels: 1 }, left: 15, top: 10 }])
      .png()
      .toFile(good);
    const missing = join(dir, 'missing.jpg');
    const result = await runCli(['predict', model.path, good, missing]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim(), `scratchnet: ${missing}: file not found`);
    const noModel = await runCli(['predict', join(dir, 'none.safetensors'), good]);
    assert.equal(noModel.stderr.trim(), `scratchnet: ${join(dir, 'none.safetensors')}: file not found`);
  });
});
