import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { exportOnnx } from '../src/io/onnx.js';
import { describeLayer } from '../src/nets/registry.js';
import { buildNet, registerLayer, type ModelSpec, type SpecNet } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { simpleConvSpec } from '../src/nets/simple-conv-net.js';
import { convNetSpec } from '../src/nets/conv-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { softmaxRows, topClasses } from '../src/train/predict.js';
import { trainedModel } from './helpers/trained-model.js';

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

/** Moves every BatchNorm's γ, β and running statistics away from their initial 1s and 0s, as training would. */
function perturbBatchNorm(net: SpecNet, seed: number): void {
  const rng = new Rng(seed);
  for (const p of net.params()) if (/^(gamma|beta)\d/.test(p.name)) for (let i = 0; i < p.value.size; i++) p.value.data[i] = (p.name.startsWith('gamma') ? 1 : 0) + 0.5 * rng.normal();
  for (const b of net.buffers()) for (let i = 0; i < b.value.size; i++) b.value.data[i] = b.name.startsWith('runningVar') ? 0.2 + rng.uniform() : 0.3 * rng.normal();
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

  it('an MLP with batch norm and dropout (784-100-100-10, He)', async (t) => {
    const spec = multiLayerSpec({ inputSize: 784, hiddenSizes: [100, 100], outputSize: 10, batchNorm: true, dropout: 0.3 });
    const net = buildNet(spec, { rng: new Rng(3), init: 'he' });
    perturbBatchNorm(net, 4);
    const diff = await compare(net);
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('the CNN (SimpleConvNet: conv 30×5×5 → relu → maxpool 2 → affine 100 → relu → affine 10)', async (t) => {
    const net = buildNet(simpleConvSpec(), { rng: new Rng(5), init: 'he' });
    const diff = await compare(net, 8);
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('the `--model cnn` net (two conv blocks) with 4-D batch norm and dropout', async (t) => {
    const net = buildNet(convNetSpec({ inputShape: [1, 28, 28], hiddenSize: 100, outputSize: 10, dropout: 0.5, batchNorm: true }), { rng: new Rng(8), init: 'he' });
    perturbBatchNorm(net, 9);
    const diff = await compare(net, 8);
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('a CNN with stride, padding, 4-D batch norm and a padded, overlapping max pool', async (t) => {
    const spec: ModelSpec = {
      kind: 'custom',
      inputShape: [2, 13, 11],
      layers: [
        { type: 'conv', filters: 6, size: 3, stride: 2, pad: 1 },
        { type: 'batchnorm' },
        { type: 'relu' },
        { type: 'maxpool', size: 3, stride: 2, pad: 1 },
        { type: 'conv', filters: 4, size: 2, stride: 1, pad: 0 },
        { type: 'sigmoid' },
        { type: 'dropout', ratio: 0.2 },
        { type: 'affine', units: 5 },
      ],
    };
    const net = buildNet(spec, { rng: new Rng(6), init: 'he' });
    perturbBatchNorm(net, 7);
    const diff = await compare(net, 6);
    t.diagnostic(`max |diff| logits ${diff.logits.toExponential(2)}, probabilities ${diff.probabilities.toExponential(2)}`);
    assert.ok(diff.logits < 1e-5 && diff.probabilities < 1e-5, JSON.stringify(diff));
  });

  it('a trained two-layer net on all 10 000 MNIST test images: same answers, probabilities within 1e-5, logits within 1e-5 relative', async (t) => {
    const { net, data } = trainedModel();
    const session = await ort.InferenceSession.create(exportOnnx(net));
    const x = data.test.images;
    const outputs = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [x.rows, 784]) });
    const logits = net.predict(x);
    const probabilities = softmaxRows(logits);
    const theirLogits = outputs.logits!.data as Float32Array;
    const theirProbabilities = outputs.probabilities!.data as Float32Array;
    let absolute = 0;
    let relative = 0;
    let probability = 0;
    for (let i = 0; i < logits.size; i++) {
      const diff = Math.abs(logits.data[i]! - theirLogits[i]!);
      absolute = Math.max(absolute, diff);
      relative = Math.max(relative, diff / Math.max(1, Math.abs(logits.data[i]!)));
      probability = Math.max(probability, Math.abs(probabilities.data[i]! - theirProbabilities[i]!));
    }
    const ours = topClasses(probabilities, 1).map((top) => top[0]!.class);
    const theirs = topClasses(new Tensor(theirProbabilities, [x.rows, 10]), 1).map((top) => top[0]!.class);
    t.diagnostic(`max |logit diff| ${absolute.toExponential(2)} (relative ${relative.toExponential(2)}), max |probability diff| ${probability.toExponential(2)}`);
    assert.deepEqual(theirs, ours);
    assert.ok(relative < 1e-5 && probability < 1e-5, JSON.stringify({ absolute, relative, probability }));
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

  it('exports and describes a layer type registered with its ONNX form, from its one descriptor', async () => {
    // y = 2x, as a layer, as ONNX (Add(x, x)) and as one line of log.
    const twice = (x: Tensor) => Tensor.from(Array.from(x.data, (v) => 2 * v), x.shape);
    const double = { name: 'Double', forward: twice, backward: twice, params: () => [] };
    registerLayer('test-double', {
      build: (_spec, inputShape) => ({ layer: double, outputShape: [...inputShape] }),
      onnx: ({ input, node }) => node('Add', [input, input]),
      describe: () => 'double',
    });
    const spec = { kind: 'custom', inputShape: [3], layers: [{ type: 'test-double' }, { type: 'affine', units: 2 }] };
    const net = buildNet(spec, { rng: new Rng(4) });
    const x = new Tensor(Float32Array.from([0.5, -1, 2, 1, 0, -0.25]), [2, 3]);
    const session = await ort.InferenceSession.create(exportOnnx(net, { probabilities: false }));
    const { logits } = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [2, 3]) });
    const ours = net.predict(x).data;
    (logits!.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - ours[i]!) < 1e-5, `${v} vs ${ours[i]}`));
    assert.equal(spec.layers.map(describeLayer).join(' → '), 'double → affine 2');
  });
});
