import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { exportOnnx } from '../src/io/onnx.js';
import { buildNet, registerLayer, type ModelSpec, type SpecNet } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';

/** Runs the exported model in onnxruntime and returns the largest |scratchnet − onnxruntime| of logits and probabilities. */
async function compare(net: SpecNet, rows = 16): Promise<{ logits: number; probabilities: number }> {
  const session = await ort.InferenceSession.create(exportOnnx(net));
  const x = Tensor.zeros([rows, ...net.spec.inputShape]);
  const rng = new Rng(11);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform();
  const outputs = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [...x.shape]) });
  const logits = net.predict(x);
  assert.deepEqual(outputs.logits!.dims, logits.shape);
  let logitDiff = 0;
  let probabilityDiff = 0;
  const probs = outputs.probabilities!.data as Float32Array;
  const classes = logits.cols;
  for (let r = 0; r < rows; r++) {
    const row = [...logits.data.subarray(r * classes, (r + 1) * classes)];
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    for (let j = 0; j < classes; j++) {
      const i = r * classes + j;
      logitDiff = Math.max(logitDiff, Math.abs(logits.data[i]! - (outputs.logits!.data as Float32Array)[i]!));
      probabilityDiff = Math.max(probabilityDiff, Math.abs(Math.exp(row[j]! - max) / sum - probs[i]!));
    }
  }
  return { logits: logitDiff, probabilities: probabilityDiff };
}

describe('ONNX export runs in onnxruntime with the same outputs', () => {
  it('the two-layer net (784-50-10)', async (t) => {
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng: new Rng(1), weightInitStd: 0.1 });
    const diff = await compare(net);
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('a sigmoid MLP over 1×28×28 input (flattened before the first Gemm)', async (t) => {
    const spec: ModelSpec = { kind: 'mlp', inputShape: [1, 28, 28], layers: [{ type: 'affine', units: 30 }, { type: 'sigmoid' }, { type: 'affine', units: 20 }, { type: 'relu' }, { type: 'affine', units: 10 }] };
    const diff = await compare(buildNet(spec, { rng: new Rng(2), init: 'xavier' }));
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('names inputs, outputs and weights as documented', async () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, rng: new Rng(1) });
    const session = await ort.InferenceSession.create(exportOnnx(net, { probabilities: false }));
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['logits']);
  });

  it('refuses a layer type without an ONNX form', () => {
    registerLayer('test-identity', { build: (_spec, inputShape) => ({ layer: { name: 'Identity', forward: (x) => x, backward: (d) => d, params: () => [] }, outputShape: [...inputShape] }) });
    const net = buildNet({ kind: 'custom', inputShape: [3], layers: [{ type: 'test-identity' }, { type: 'affine', units: 2 }] }, { rng: new Rng(1) });
    assert.throws(() => exportOnnx(net), /layer type "test-identity" has no ONNX form/);
  });
});
