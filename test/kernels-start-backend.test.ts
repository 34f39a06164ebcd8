// startBackend: data placed in the wasm backend's memory while its worker threads start, then
// the kernels work on it in place; a backend discarded before it is ready never becomes active.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { kernels } from '../src/tensor/kernels/kernels.js';
import { closeBackends, startBackend } from '../src/tensor/kernels/select.js';
import type { WasmKernels } from '../src/tensor/kernels/wasm/backend.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';

function randomTensor(shape: number[], rng: Rng): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform() - 0.5;
  return t;
}

describe('startBackend', () => {
  it('places tensors made before the kernels are ready in their memory, and multiplies them in place', async () => {
    const starting = await startBackend('wasm', { threads: 2 });
    try {
      const rng = new Rng(4);
      const a = randomTensor([64, 300], rng);
      const b = randomTensor([300, 40], rng);
      const backend = (await starting.ready) as WasmKernels;
      assert.equal(kernels(), backend);
      assert.ok(backend.heap.offsetOf(a.data as Float32Array) >= 0, 'a lives in the wasm memory');
      const c = new Float32Array(64 * 40);
      backend.gemm(a.data as Float32Array, b.data as Float32Array, c, 64, 40, 300);
      const expected = new Float32Array(64 * 40);
      createJsKernels().gemm(a.data as Float32Array, b.data as Float32Array, expected, 64, 40, 300);
      for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-4, `${i}: ${c[i]} vs ${expected[i]}`);
    } finally {
      await closeBackends();
    }
  });

  it('a backend discarded before it is ready never becomes active, and new tensors go back to the JS heap', async () => {
    await closeBackends();
    const before = kernels();
    const starting = await startBackend('wasm', { threads: 2 });
    assert.ok(Tensor.zeros([4]).data.buffer instanceof SharedArrayBuffer, 'placed in the starting backend');
    await starting.discard();
    await assert.rejects(starting.ready, /discarded/);
    assert.equal(kernels(), before);
    assert.ok(!(Tensor.zeros([4]).data.buffer instanceof SharedArrayBuffer));
  });
});
