import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { saveModel } from '../src/io/model-file.js';
import { buildNet } from '../src/nets/spec.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';

// Compiled to dist/test/, so the fixture sits two folders up.
const script = fileURLToPath(new URL('../../test/fixtures/safetensors_forward.py', import.meta.url));
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = numpy.error || numpy.status !== 0 ? `python3 with numpy not available (${numpy.error?.message ?? numpy.stderr.trim().split('\n').pop()})` : false;

for (const [title, makeNet] of [
  ['the two-layer net', () => new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng: new Rng(5), weightInitStd: 0.1 })],
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
