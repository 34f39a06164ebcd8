import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { saveModel } from '../src/io/model-file.js';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { buildNet } from '../src/nets/spec.js';
import { multiLayerSpec } from '../src/nets/multi-layer-net.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';
import { numpySkip } from './helpers/python.js';

// Compiled to dist/test/, so the fixture sits two folders up.
const script = fileURLToPath(new URL('../../test/fixtures/safetensors_forward.py', import.meta.url));
const skip = numpySkip();

for (const [title, makeNet] of [
  ['the two-layer net', () => new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng: new Rng(5), weightInitStd: 0.1 })],
  ['an MLP with batch norm and dropout', () => {
    const net = buildNet(multiLayerSpec({ inputSize: 40, hiddenSizes: [20, 12], outputSize: 5, batchNorm: true, dropout: 0.3 }), { rng: new Rng(7), init: 'he' });
    const x = Tensor.zeros([32, 40]);
    new Rng(8).fillNormal(x.data, 2);
    for (let i = 0; i < 5; i++) net.predict(x, true); // move the running statistics off 0 and 1
    return net;
  }],
  ['a float64 sigmoid MLP', () => buildNet({ kind: 'mlp', inputShape: [20], layers: [{ type: 'affine', units: 9 }, { type: 'sigmoid' }, { type: 'affine', units: 4 }] }, { rng: new Rng(6), dtype: 'float64', init: 'xavier' })],
] as const) {
  it(`an independent python3 + numpy reader of the safetensors file gives the same forward pass: ${title}`, { skip }, (t) => {
    const net = makeNet();
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-numpy-'));
    try {
      const rows = 8;
      const x = Tensor.zeros([rows, ...net.spec.inputShape]);
      const rng = new Rng(3);
      for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform();
      writeFileSync(join(dir, 'model.safetensors'), saveModel(net));
      writeFileSync(join(dir, 'input.f32'), x.data);
      const run = spawnSync('python3', [script, join(dir, 'model.safetensors'), join(dir, 'input.f32'), String(rows)], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const reference = (JSON.parse(run.stdout) as number[][]).flat();
      const logits = net.predict(net.params()[0]!.value.dtype === 'float64' ? x.as('float64') : x);
      assert.equal(reference.length, logits.size);
      const diff = Math.max(...reference.map((v, i) => Math.abs(v - logits.data[i]!)));
      t.diagnostic(`max |scratchnet − numpy| = ${diff.toExponential(2)}`);
      assert.ok(diff < 1e-5, `max diff ${diff}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// The Hugging Face `safetensors` Python package, when installed: the reference reader and writer.
const official = spawnSync('python3', ['-c', 'import safetensors.numpy'], { encoding: 'utf8' });
const skipOfficial = official.error || official.status !== 0 ? 'the Python safetensors package is not installed (PyPI only, not in Debian)' : false;

it('the official safetensors library reads our model file: same tensors, same metadata', { skip: skipOfficial }, () => {
  const net = new TwoLayerNet({ inputSize: 30, hiddenSize: 7, outputSize: 4, rng: new Rng(2), weightInitStd: 0.5 });
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-official-'));
  try {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, saveModel(net, { metrics: { testAccuracy: 0.5 } }));
    const script = `
import json, sys
from safetensors import safe_open
with safe_open(sys.argv[1], "np") as f:
    print(json.dumps({"metadata": f.metadata(), "tensors": {k: {"shape": list(f.get_tensor(k).shape), "dtype": str(f.get_tensor(k).dtype), "values": f.get_tensor(k).ravel().tolist()} for k in f.keys()}}))`;
    const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const read = JSON.parse(run.stdout) as { metadata: Record<string, string>; tensors: Record<string, { shape: number[]; dtype: string; values: number[] }> };
    assert.deepEqual(JSON.parse(read.metadata.spec!), net.spec);
    assert.deepEqual(JSON.parse(read.metadata.metrics!), { testAccuracy: 0.5 });
    for (const p of net.params()) {
      const t = read.tensors[p.name]!;
      assert.equal(t.dtype, 'float32');
      assert.deepEqual(t.shape, p.value.shape);
      assert.deepEqual(t.values, Array.from(p.value.data));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('we read a file the official safetensors library wrote', { skip: skipOfficial }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-official-'));
  try {
    const path = join(dir, 'theirs.safetensors');
    const script = `
import sys, numpy as np
from safetensors.numpy import save_file
save_file({"b": np.arange(3, dtype=np.float64) / 7, "a": (np.arange(6, dtype=np.float32) - 2.5).reshape(2, 3), "s": np.array(1.5, dtype=np.float32)}, sys.argv[1], metadata={"k": "v"})`;
    const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const { tensors, metadata } = decodeSafetensors(readFileSync(path), path);
    assert.equal(metadata.get('k'), 'v');
    assert.deepEqual(tensors.get('a')!.shape, [2, 3]);
    assert.deepEqual(Array.from(tensors.get('a')!.data), [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    assert.ok(tensors.get('b')!.data instanceof Float64Array);
    assert.deepEqual(Array.from(tensors.get('b')!.data), [0, 1 / 7, 2 / 7]);
    assert.deepEqual(tensors.get('s')!.shape, []);
    assert.equal(tensors.get('s')!.data[0], 1.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
