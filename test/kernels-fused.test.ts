// Fused kernels against the unfused ones they replace: max pooling with the Relu after it
// (relu(maxpool(x)), and Relu's mask in backward) must give the bits of pooling, then Relu.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convGeometry } from '../src/tensor/kernels/im2col.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { type Backend, backendsUnderTest, bytesOf, randomFill } from './helpers/kernels-backends.js';

const js = createJsKernels();

const POOL_CASES = [
  { planes: 6, height: 8, width: 16, size: 2, stride: 2, pad: 0 },
  { planes: 5, height: 7, width: 9, size: 2, stride: 2, pad: 0 },
  { planes: 16, height: 28, width: 28, size: 2, stride: 2, pad: 0 },
  { planes: 3, height: 9, width: 10, size: 3, stride: 2, pad: 1 },
  { planes: 3, height: 6, width: 7, size: 2, stride: 1, pad: 0 },
];

/** Values in [−1, 1), a fifth of them exactly 0 (Relu's edge), and a few NaN when asked. */
function filled(backend: Backend, length: number, seed: number, nans = false): Float32Array {
  const data = backend.float32(length);
  randomFill(data, seed);
  for (let i = 0; i < length; i += 5) data[i] = 0;
  if (nans) for (let i = 3; i < length; i += 37) data[i] = Number.NaN;
  return data;
}

describe('fused kernels', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('max pooling with relu gives the bits of pooling, then Relu (forward and backward, NaN and zeros included)', () => {
    POOL_CASES.forEach((c, n) => {
      const g = convGeometry({ channels: 1, height: c.height, width: c.width }, { height: c.size, width: c.size }, c.stride, c.pad);
      const outLength = c.planes * g.outHeight * g.outWidth;
      for (const nans of [false, true]) {
        // The unfused reference on the portable kernels: pool, relu; relu's backward, then pool's.
        const plain: Backend = { label: 'js', kernels: js, float32: (length) => new Float32Array(length) };
        const x0 = filled(plain, c.planes * c.height * c.width, n + 70, nans);
        const dout0 = filled(plain, outLength, n + 80);
        const pooled = new Float32Array(outLength);
        const argmax0 = new Uint8Array(outLength);
        js.maxPoolForward(x0, pooled, argmax0, c.planes, g);
        const y0 = new Float32Array(outLength);
        js.relu(pooled, y0);
        const masked = new Float32Array(outLength);
        js.reluBackward(dout0, y0, masked);
        const dx0 = new Float32Array(x0.length);
        js.maxPoolBackward(argmax0, masked, dx0, c.planes, g);
        assert.ok(y0.some((v) => v === 0) && y0.some((v) => v > 0), `case ${n}: both sides of Relu`);
        for (const backend of backends) {
          const what = `${backend.label} case ${n}${nans ? ' with NaN' : ''}`;
          const x = filled(backend, x0.length, n + 70, nans);
          const dout = filled(backend, outLength, n + 80);
          const y = filled(backend, outLength, 3);
          const argmax = bytesOf(backend, outLength).fill(200);
          const dx = filled(backend, x0.length, 4);
          backend.kernels.maxPoolForward(x, y, argmax, c.planes, g, true);
          backend.kernels.maxPoolBackward(argmax, dout, dx, c.planes, g, y);
          assert.deepEqual(y, y0, `out ${what}`);
          assert.deepEqual(argmax, argmax0, `argmax ${what}`);
          assert.deepEqual(dx, dx0, `dx ${what}`);
        }
      }
    });
  });
});
