import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { writeModelFile } from '../src/io/model-files-node.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { runCli } from './helpers/cli.js';
import { tempFolder } from './helpers/mnist-fixture.js';

describe('scratchnet export', () => {
  const dir = tempFolder('scratchnet-export-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng: new Rng(4), weightInitStd: 0.1 });
  const model = join(dir, 'model.safetensors');
  writeModelFile(model, net);

  it('writes model.onnx beside the model; onnxruntime gives the same logits and probabilities', async (t) => {
    const result = await runCli(['export', model, '--format', 'onnx']);
    assert.equal(result.code, 0, result.stderr);
    const onnxPath = join(dir, 'model.onnx');
    assert.match(result.stdout, new RegExp(`wrote ${onnxPath} \\(\\d+ bytes, ONNX opset 13\\)`));
    const session = await ort.InferenceSession.create(readFileSync(onnxPath));
    const x = Tensor.zeros([5, 784]);
    const rng = new Rng(9);
    for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform();
    const out = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [5, 784]) });
    const logits = net.predict(x);
    const diff = Math.max(...Array.from(logits.data, (v, i) => Math.abs(v - (out.logits!.data as Float32Array)[i]!)));
    t.diagnostic(`max |logits diff| ${diff.toExponential(2)}; model.safetensors ${readFileSync(model).length} bytes, model.onnx ${readFileSync(onnxPath).length} bytes`);
    assert.ok(diff < 1e-5);
    const sums = Array.from({ length: 5 }, (_, r) => Array.from((out.probabilities!.data as Float32Array).subarray(r * 10, r * 10 + 10)).reduce((a, b) => a + b, 0));
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  });

  it('writes where --out says, and only logits with --no-probabilities', async () => {
    const out = join(dir, 'logits-only.onnx');
    const result = await runCli(['export', model, '--out', out, '--no-probabilities']);
    assert.equal(result.code, 0, result.stderr);
    const session = await ort.InferenceSession.create(readFileSync(out));
    assert.deepEqual(session.outputNames, ['logits']);
    assert.ok(!readdirSync(dir).some((name) => name.endsWith('.tmp')));
  });

  it('refuses an unknown format, a missing model and a file that is not a model, in one line', async () => {
    const bad = await runCli(['export', model, '--format', 'tflite']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /option '--format <name>' argument 'tflite' is invalid\. Allowed choices are onnx/);
    const missing = await runCli(['export', join(dir, 'nope.safetensors')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `scratchnet: ${join(dir, 'nope.safetensors')}: file not found`);
    const notModel = await runCli(['export', join(dir, 'model.onnx'), '--out', join(dir, 'x.onnx')]);
    assert.equal(notModel.code, 1);
    assert.match(notModel.stderr.trim(), /^scratchnet: .*model\.onnx: header length \d+ (is absurd|runs past the end)/);
    assert.ok(!existsSync(join(dir, 'x.onnx')));
  });
});
