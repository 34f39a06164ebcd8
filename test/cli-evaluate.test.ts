import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPngSize } from './helpers/png-info.js';
import { evaluate } from '../src/train/metrics.js';
import { runCli } from './helpers/cli.js';
import { tempFolder } from './helpers/mnist-fixture.js';
import { trainedModel, type TrainedModel } from './helpers/trained-model.js';

describe('scratchnet evaluate', () => {
  const out = tempFolder('scratchnet-evaluate-');
  after(() => rmSync(out, { recursive: true, force: true }));
  let model: TrainedModel;
  before(() => {
    model = trainedModel();
  });

  it('--json reports the library\'s evaluation of the test set and writes both PNGs', async () => {
    const result = await runCli(['evaluate', model.path, '--json', '--out', out, '--backend', 'js']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const expected = evaluate(model.net, model.data.test, { mistakes: 24 });
    assert.equal(report.accuracy, expected.accuracy);
    assert.equal(report.accuracy, model.testAccuracy);
    assert.deepEqual(report.confusion, expected.confusion);
    assert.deepEqual(report.perClass, expected.perClass);
    assert.equal(report.mostConfidentlyWrong.length, 24);
    assert.deepEqual(report.mostConfidentlyWrong[0], expected.mostConfidentlyWrong[0]);
    assert.equal(report.confusion.flat().reduce((a: number, b: number) => a + b, 0), 10000);
    for (const file of [report.files.confusion, report.files.mistakes]) {
      assert.ok(existsSync(file), file);
      const { width, height } = readPngSize(readFileSync(file));
      assert.ok(width > 400 && height > 300, `${file}: ${width}×${height}`);
    }
    assert.deepEqual(readdirSync(out).sort(), ['confusion.png', 'mistakes.png']);
  });

  it('prints accuracy, a per-class table and the confusion matrix', async () => {
    const result = await runCli(['evaluate', model.path, '--out', out, '--mistakes', '0', '--backend', 'js']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`accuracy ${model.testAccuracy.toFixed(4)}`));
    assert.match(result.stdout, /class {2}precision {2}recall {6}F1 {2}support\n {4}0 +0\.\d{4} +0\.\d{4} +0\.\d{4} +980\n/);
    assert.match(result.stdout, /confusion matrix \(rows: true class, columns: predicted\)/);
    assert.match(result.stdout, /wrote .*confusion\.png\n$/);
  });

  it('refuses a missing model and an --out that is a file, in one line, writing nothing', async () => {
    const missing = await runCli(['evaluate', join(out, 'none.safetensors'), '--backend', 'js']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `scratchnet: ${join(out, 'none.safetensors')}: file not found`);
    const badOut = await runCli(['evaluate', model.path, '--out', join(model.path, 'x'), '--backend', 'js']);
    assert.equal(badOut.code, 1);
    assert.match(badOut.stderr.trim(), /^scratchnet: --out .*model\.safetensors\/x: cannot create the folder/);
  });
});
