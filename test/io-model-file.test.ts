import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadModel, loadModelFile, netTensors, saveModel } from '../src/io/model-file.js';
import { writeFileAtomic } from '../src/io/atomic-write-node.js';
import { readModelFile, trainingStatePath, writeModelFile } from '../src/io/model-files-node.js';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.js';
import { decodeTrainingState, encodeTrainingState } from '../src/io/training-state.js';
import { buildNet, type ModelSpec } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { simpleConvSpec } from '../src/nets/simple-conv-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';

function randomBatch(rows: number, cols: number, seed: number): Tensor {
  const x = Tensor.zeros([rows, cols]);
  new Rng(seed).fillNormal(x.data, 1);
  return x;
}

function refused(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => loadModelFile(bytes, 'm.safetensors'), (error: Error) => {
    assert.equal(error.name, 'InputError');
    assert.match(error.message, /^m\.safetensors: /);
    assert.match(error.message, message);
    return true;
  });
}

/** Rewrites a model file's tensors and metadata through `change`, keeping it a valid safetensors file. */
function tamper(bytes: Uint8Array, change: (tensors: Map<string, Tensor>, metadata: Map<string, string>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes);
  change(tensors, metadata);
  return encodeSafetensors(tensors, metadata);
}

describe('model file: save and load', () => {
  const net = new TwoLayerNet({ inputSize: 12, hiddenSize: 7, outputSize: 4, rng: new Rng(3), weightInitStd: 0.5 });
  const config = { lr: 0.1, batch: 100, seed: 3 };
  const metrics = { trainAccuracy: 0.91, testAccuracy: 0.9 };
  const bytes = saveModel(net, { config, metrics, iteration: 600 });

  it('names the two-layer net\'s tensors W1, b1, W2, b2 (the book\'s names) with their shapes', () => {
    const { tensors } = decodeSafetensors(bytes);
    assert.deepEqual([...tensors.keys()], ['W1', 'b1', 'W2', 'b2']);
    assert.deepEqual(tensors.get('W1')!.shape, [12, 7]);
    assert.deepEqual(tensors.get('b2')!.shape, [4]);
  });

  it('keeps spec, config and metrics as JSON strings in __metadata__', () => {
    const { metadata } = decodeSafetensors(bytes);
    assert.deepEqual(JSON.parse(metadata.get('spec')!), net.spec);
    assert.deepEqual(JSON.parse(metadata.get('config')!), config);
    assert.deepEqual(JSON.parse(metadata.get('metrics')!), metrics);
  });

  it('rebuilds a net whose outputs are identical', () => {
    const loaded = loadModelFile(bytes);
    const x = randomBatch(5, 12, 9);
    assert.deepEqual([...loaded.net.predict(x).data], [...net.predict(x).data]);
    assert.deepEqual(loaded.config, config);
    assert.deepEqual(loaded.metrics, metrics);
    assert.equal(loaded.iteration, 600);
    assert.deepEqual(loaded.spec, net.spec);
  });

  it('keeps a float64 net float64', () => {
    const net64 = buildNet(net.spec, { rng: new Rng(4), dtype: 'float64', init: 'he' });
    const loaded = loadModel(saveModel(net64));
    assert.equal(loaded.params()[0]!.value.dtype, 'float64');
    const x = randomBatch(3, 12, 2).as('float64');
    assert.deepEqual([...loaded.predict(x).data], [...net64.predict(x).data]);
  });

  it('names any net\'s tensors by its params()', () => {
    const spec: ModelSpec = { kind: 'mlp', inputShape: [6], layers: [{ type: 'affine', units: 5 }, { type: 'sigmoid' }, { type: 'affine', units: 4 }, { type: 'relu' }, { type: 'affine', units: 3 }] };
    const mlp = buildNet(spec, { rng: new Rng(1) });
    assert.deepEqual(netTensors(mlp).map(([name]) => name), mlp.params().map((p) => p.name));
    const x = randomBatch(4, 6, 5);
    assert.deepEqual([...loadModel(saveModel(mlp)).predict(x).data], [...mlp.predict(x).data]);
  });
});

describe('model file: nets with batch norm, dropout and convolution', () => {
  it('an MLP with batch norm keeps gamma, beta and the running statistics under the net\'s names', () => {
    const net = buildNet(multiLayerSpec({ inputSize: 10, hiddenSizes: [6, 5], outputSize: 3, batchNorm: true, dropout: 0.2 }), { rng: new Rng(2), init: 'he' });
    net.predict(randomBatch(16, 10, 1), true); // training-mode passes move the running statistics
    net.predict(randomBatch(16, 10, 2), true);
    const bytes = saveModel(net);
    const names = [...decodeSafetensors(bytes).tensors.keys()];
    assert.deepEqual(names, ['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3', 'runningMean1', 'runningVar1', 'runningMean2', 'runningVar2']);
    const loaded = loadModel(bytes);
    const x = randomBatch(4, 10, 3);
    assert.deepEqual([...loaded.predict(x).data], [...net.predict(x).data]);
    assert.throws(() => loadModelFile(tamper(bytes, (t) => {
      t.set('runningVar', t.get('runningVar2')!);
      t.delete('runningVar2');
    }), 'm.safetensors'), /missing tensor "runningVar2"/);
  });

  it('a conv spec asking for more weights than the file holds is refused before allocating them', () => {
    const net = buildNet(simpleConvSpec({ filters: 2, hiddenSize: 4 }), { rng: new Rng(1) });
    const bytes = tamper(saveModel(net), (_t, m) => m.set('spec', JSON.stringify(simpleConvSpec({ filters: 1 << 20, filterSize: 15 }))));
    assert.throws(() => loadModelFile(bytes, 'm.safetensors'), /m\.safetensors: model spec: layer 0 \(conv\) needs more than the \d+ values available/);
  });

  it('the CNN gives identical outputs after a round trip', () => {
    const net = buildNet(simpleConvSpec({ filters: 4, hiddenSize: 12 }), { rng: new Rng(5), init: 'he' });
    const x = randomBatch(3, 784, 4).reshape([3, 1, 28, 28]);
    const bytes = saveModel(net);
    assert.deepEqual([...decodeSafetensors(bytes).tensors.get('W1')!.shape], [4, 1, 5, 5]);
    assert.deepEqual([...loadModel(bytes).predict(x).data], [...net.predict(x).data]);
  });
});

describe('model file: tampered files are refused', () => {
  const net = new TwoLayerNet({ inputSize: 8, hiddenSize: 5, outputSize: 3, rng: new Rng(1) });
  const bytes = saveModel(net);
  const withSpec = (spec: unknown) => tamper(bytes, (_t, m) => m.set('spec', typeof spec === 'string' ? spec : JSON.stringify(spec)));

  it('a safetensors file that is not a scratchnet model', () => refused(encodeSafetensors([['W', Tensor.zeros([2])]]), /not a scratchnet model file/));
  it('a newer format version', () => refused(tamper(bytes, (_t, m) => m.set('formatVersion', '9')), /format version "9" is not supported/));
  it('an unknown layer in the spec', () => refused(withSpec({ ...net.spec, layers: [...net.spec.layers, { type: 'warp' }] }), /unknown type "warp"/));
  it('a spec that is not JSON', () => refused(withSpec('{"kind": '), /metadata "spec" is not valid JSON/));
  it('a "__proto__" key in the spec', () => refused(withSpec('{"kind": "two-layer", "__proto__": {"polluted": true}, "inputShape": [8], "layers": []}'), /key "__proto__" is not allowed/));
  it('a "constructor" key in the config', () => refused(tamper(bytes, (_t, m) => m.set('config', '{"constructor": {"prototype": 1}}')), /metadata "config" is not valid JSON \(the key "(constructor|prototype)" is not allowed\)/));
  it('a missing tensor', () => refused(tamper(bytes, (t) => {
    t.set('B2', t.get('b2')!);
    t.delete('b2');
  }), /missing tensor "b2"/));
  it('a truncated tensor list', () => refused(tamper(bytes, (t) => t.delete('W2')), /layer 2 \(affine\) needs more than the 48 values available/));
  it('an extra tensor', () => refused(tamper(bytes, (t) => t.set('W3', Tensor.zeros([1]))), /unexpected tensor "W3"/));
  it('a tensor whose shape does not fit the spec', () => refused(tamper(bytes, (t) => t.set('W2', Tensor.zeros([3, 5]))), /"W2" has shape \[3, 5\] but the spec's net needs \[5, 3\]/));
  it('tensors of mixed dtypes', () => refused(tamper(bytes, (t) => t.set('b1', t.get('b1')!.as('float64'))), /"b1" is float64 but earlier tensors are float32/));
  it('a non-finite weight', () => refused(tamper(bytes, (t) => (t.get('W1')!.data[3] = NaN)), /"W1" holds a non-finite value \(NaN\) at element 3/));
  it('a spec that asks for far more weights than the file holds, before allocating them', () => {
    const huge = { ...net.spec, inputShape: [1 << 20], layers: [{ type: 'affine', units: 255 }, { type: 'relu' }, { type: 'affine', units: 3 }] };
    const start = performance.now();
    refused(withSpec(huge), /layer 0 \(affine\) needs more than the 63 values available/);
    assert.ok(performance.now() - start < 200, 'refused without building the 1 GB layer');
  });
});

describe('training state file', () => {
  it('round-trips optimizer tensors and values, RNG states, other tensors and JSON values', () => {
    const rng = new Rng(5);
    rng.normal();
    const state = {
      iteration: 1200,
      rngs: new Map([['batches', rng.state()]]),
      optimizer: { name: 'momentum', tensors: new Map([['v.W1', Tensor.from([1, 2, 3], [3])]]), values: new Map([['lr', 0.01]]) },
      tensors: new Map([['loss', Tensor.from([2.3, 2.2], [2])]]),
      values: new Map<string, unknown>([['evaluations', [{ iteration: 0, testAccuracy: 0.1 }]]]),
    };
    const back = decodeTrainingState(encodeTrainingState(state));
    assert.equal(back.iteration, 1200);
    assert.deepEqual(back.rngs.get('batches'), rng.state());
    assert.equal(back.optimizer.name, 'momentum');
    assert.deepEqual([...back.optimizer.tensors.get('v.W1')!.data], [1, 2, 3]);
    assert.equal(back.optimizer.values.get('lr'), 0.01);
    assert.deepEqual([...back.tensors.get('loss')!.data], [...Float32Array.from([2.3, 2.2])]);
    assert.deepEqual(back.values.get('evaluations'), [{ iteration: 0, testAccuracy: 0.1 }]);
  });

  it('refuses a model file given as a training state, and a bad RNG state', () => {
    const model = saveModel(new TwoLayerNet({ inputSize: 2, hiddenSize: 2, outputSize: 2, rng: new Rng(1) }));
    assert.throws(() => decodeTrainingState(model, 'x.safetensors'), /x\.safetensors: not a scratchnet training state file/);
    const bad = encodeSafetensors([], [
      ['format', 'scratchnet-training-state'],
      ['iteration', '3'],
      ['rngs', '{"batches": {"s": [1, 2, 3], "spareNormal": null}}'],
      ['optimizer', '{"name": "sgd", "values": {}}'],
      ['values', '{}'],
    ]);
    assert.throws(() => decodeTrainingState(bad, 'o.safetensors'), /o\.safetensors: metadata "rngs": "batches" is not a random generator state/);
  });
});

describe('model files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-model-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, rng: new Rng(8) });

  it('writes through a temporary file and leaves only the model', () => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old contents');
    writeModelFile(path, net, { metrics: { testAccuracy: 0.5 } });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const loaded = readModelFile(path);
    assert.deepEqual(loaded.metrics, { testAccuracy: 0.5 });
    assert.deepEqual([...loaded.net.params()[0]!.value.data], [...net.params()[0]!.value.data]);
  });

  it('names the file when it is missing, a folder, or not a model', () => {
    assert.throws(() => readModelFile(join(dir, 'nope.safetensors')), /nope\.safetensors: file not found/);
    assert.throws(() => readModelFile(dir), /is a folder, not a file/);
    const text = join(dir, 'notes.safetensors');
    writeFileSync(text, 'just some text that is not a model');
    assert.throws(() => readModelFile(text), (error: Error) => error.name === 'InputError' && error.message.startsWith(`${text}: header length`));
  });

  it('reports a folder it cannot write to, leaving no temporary file', () => {
    assert.throws(() => writeFileAtomic(join(dir, 'missing-folder', 'm.safetensors'), new Uint8Array(4)), /missing-folder\/m\.safetensors: cannot write/);
    assert.ok(!readdirSync(dir).some((name) => name.endsWith('.tmp')));
  });

  it('puts the training state beside the model', () => {
    assert.equal(trainingStatePath('/r/model.safetensors'), '/r/model.optimizer.safetensors');
    assert.equal(trainingStatePath('/r/weights'), '/r/weights.optimizer.safetensors');
    assert.ok(readFileSync(join(dir, 'model.safetensors')).length > 0);
  });
});
