// convPoolForward and convPoolBackward (a convolution and the max pooling after it, with or
// without Relu, in one call) against the two calls they replace, in float64 on the portable
// kernels: on every backend, for the shapes the wasm backend fuses (a one-channel 3×3 first
// layer on MNIST-like zeros; a Winograd layer) and for shapes it hands to the two calls.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convGeometry, type ConvGeometry } from '../src/tensor/kernels/im2col.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import type { ConvShape } from '../src/tensor/kernels/kernels.js';
import { assertClose, type Backend, backendsUnderTest, bytesOf, randomFill } from './helpers/kernels-backends.js';

const js = createJsKernels();

const CASES = [
  // one channel, 3×3 pad 1, 2×2 pooling: the wasm backend's direct path (forward and ∂L/∂W)
  { images: 5, channels: 1, height: 12, width: 10, filters: 8, size: 3, pad: 1, pool: 2, poolStride: 2, poolPad: 0, zeros: 0.8 },
  // Winograd (8 channels in, 12 out), 2×2 pooling: pooled in the output transform
  { images: 3, channels: 8, height: 10, width: 8, filters: 12, size: 3, pad: 1, pool: 2, poolStride: 2, poolPad: 0, zeros: 0 },
  // two calls: filters not in fours; an odd output; overlapping windows; no padding
  { images: 2, channels: 1, height: 8, width: 8, filters: 6, size: 3, pad: 1, pool: 2, poolStride: 2, poolPad: 0, zeros: 0.5 },
  { images: 2, channels: 2, height: 9, width: 9, filters: 3, size: 3, pad: 0, pool: 2, poolStride: 2, poolPad: 0, zeros: 0 },
  { images: 2, channels: 8, height: 8, width: 8, filters: 4, size: 3, pad: 1, pool: 3, poolStride: 2, poolPad: 1, zeros: 0 },
];

type Case = (typeof CASES)[number];

function shapes(c: Case): { shape: ConvShape; pool: ConvGeometry } {
  const g = convGeometry(c, { height: c.size, width: c.size }, 1, c.pad);
  const pool = convGeometry({ channels: c.filters, height: g.outHeight, width: g.outWidth }, { height: c.pool, width: c.pool }, c.poolStride, c.poolPad);
  return { shape: { ...g, images: c.images, filters: c.filters }, pool };
}

/** Uniform in [−1, 1), a fraction `zeros` of the values exactly 0 (MNIST's background). */
function values(length: number, seed: number, zeros = 0): Float64Array {
  const data = new Float64Array(length);
  randomFill(data, seed);
  for (let i = 0; i < length; i++) if (Math.abs(data[i]!) < zeros) data[i] = 0;
  return data;
}

function copy(backend: Backend, data: Float64Array): Float32Array {
  const out = backend.float32(data.length);
  out.set(data);
  return out;
}

interface Run {
  out: Float32Array;
  argmax: Uint8Array;
  dw: Float32Array;
  db: Float32Array;
  dx: Float32Array;
  dwOnly: Float32Array;
  dbOnly: Float32Array;
}

function run(backend: Backend, c: Case, relu: boolean, seed: number): Run {
  const { shape, pool } = shapes(c);
  const k = backend.kernels;
  const pooled = c.images * c.filters * pool.outHeight * pool.outWidth;
  const x = copy(backend, values(c.images * c.channels * c.height * c.width, seed, c.zeros));
  const w = copy(backend, values(c.filters * c.channels * c.size * c.size, seed + 1));
  const b = copy(backend, values(c.filters, seed + 2));
  const dpool = copy(backend, values(pooled, seed + 3));
  const out = copy(backend, values(pooled, 99)); // garbage: must be overwritten
  const argmax = bytesOf(backend, pooled).fill(200);
  const dw = copy(backend, values(w.length, 98)), db = copy(backend, values(c.filters, 97)), dx = copy(backend, values(x.length, 96));
  const dwOnly = copy(backend, values(w.length, 95)), dbOnly = backend.float32(c.filters);
  k.convPoolForward(x, w, b, out, argmax, shape, pool, relu);
  const y = relu ? out : undefined;
  k.convPoolBackward(x, w, dpool, argmax, y, dw, db, dx, shape, pool);
  k.convPoolBackward(x, w, dpool, argmax, y, dwOnly, dbOnly, undefined, shape, pool);
  return { out, argmax, dw, db, dx, dwOnly, dbOnly };
}

/** The two calls in float64, routed through `argmax` (a backend's: ties within rounding may go either way). */
function reference(c: Case, relu: boolean, seed: number, argmax: Uint8Array, y: Float32Array | undefined) {
  const { shape, pool } = shapes(c);
  const pooled = c.images * c.filters * pool.outHeight * pool.outWidth;
  const x = values(c.images * c.channels * c.height * c.width, seed, c.zeros);
  const w = values(c.filters * c.channels * c.size * c.size, seed + 1), b = values(c.filters, seed + 2), dpool = values(pooled, seed + 3);
  const conv = new Float64Array(c.images * c.filters * shape.outHeight * shape.outWidth);
  js.convForward(x, w, b, conv, shape);
  const out = new Float64Array(pooled);
  const ownArgmax = new Uint8Array(pooled);
  js.maxPoolForward(conv, out, ownArgmax, c.images * c.filters, pool, relu);
  const dout = new Float64Array(conv.length);
  js.maxPoolBackward(argmax, dpool, dout, c.images * c.filters, pool, y && Float64Array.from(y));
  const dw = new Float64Array(w.length), db = new Float64Array(c.filters), dx = new Float64Array(x.length);
  js.convBackward(x, w, dout, dw, db, dx, shape);
  // The value at each output's chosen cell, to check that the cell holds the window's maximum.
  const chosen = new Float64Array(pooled);
  const { outHeight: OH, outWidth: OW, stride: S, pad: P, filterWidth: K } = pool;
  for (let o = 0; o < pooled; o++) {
    const plane = Math.floor(o / (OH * OW)), at = o % (OH * OW);
    const row = Math.floor(at / OW) * S - P + Math.floor(argmax[o]! / K), col = (at % OW) * S - P + (argmax[o]! % K);
    chosen[o] = conv[plane * shape.outHeight * shape.outWidth + row * shape.outWidth + col]!;
  }
  return { out, dw, db, dx, chosen };
}

describe('convolution and pooling in one call', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('convPoolForward and convPoolBackward agree with the two calls in float64, with and without Relu', () => {
    CASES.forEach((c, n) => {
      for (const relu of [false, true]) {
        for (const backend of backends) {
          const what = `${backend.label} case ${n}${relu ? ' with Relu' : ''}`;
          const got = run(backend, c, relu, 10 * n + 1);
          const want = reference(c, relu, 10 * n + 1, got.argmax, relu ? got.out : undefined);
          assertClose(got.out, want.out, 1e-5, `out ${what}`);
          // argmax names a cell holding the window's maximum (to rounding), inside the window.
          assert.ok(got.argmax.every((cell) => cell < c.pool * c.pool), `argmax inside the window ${what}`);
          assertClose(Float64Array.from(want.chosen, (v) => (relu ? Math.max(v, 0) : v)), want.out, 1e-5, `the maximum at argmax ${what}`);
          assertClose(got.dw, want.dw, 1e-5, `dW ${what}`);
          assertClose(got.db, want.db, 1e-5, `db ${what}`);
          assertClose(got.dx, want.dx, 1e-5, `dx ${what}`);
          assertClose(got.dwOnly, want.dw, 1e-5, `dW without dx ${what}`);
          assertClose(got.dbOnly, want.db, 1e-5, `db without dx ${what}`);
        }
      }
    });
  });

  it('gives the same bits split over threads as on one, and in arrays outside the kernels\' memory', () => {
    const one = backends.find((b) => b.label === 'wasm relaxed-simd, 1 thread');
    const two = backends.find((b) => b.label === 'wasm relaxed-simd, 2 threads');
    assert.ok(one && two, 'relaxed-simd backends on 1 and 2 threads');
    const outside: Backend = { ...one, float32: (length) => new Float32Array(length) };
    CASES.forEach((c, n) => {
      const a = run(one, c, true, 10 * n + 5);
      for (const other of [two, outside]) {
        const b = run(other, c, true, 10 * n + 5);
        for (const key of ['out', 'argmax', 'dw', 'db', 'dx', 'dwOnly', 'dbOnly'] as const) assert.deepEqual(b[key], a[key], `${key} case ${n} ${other === two ? '2 threads' : 'outside'}`);
      }
    });
  });

  it('the fused one-channel path skips the zeros it may skip: all-zero images give the bias, pooled', () => {
    const c = CASES[0]!;
    const { shape, pool } = shapes(c);
    for (const backend of backends) {
      const pooled = c.images * c.filters * pool.outHeight * pool.outWidth;
      const x = backend.float32(c.images * c.height * c.width);
      const w = copy(backend, values(c.filters * 9, 3)), b = copy(backend, values(c.filters, 4));
      const out = copy(backend, values(pooled, 5));
      backend.kernels.convPoolForward(x, w, b, out, bytesOf(backend, pooled).fill(200), shape, pool, false);
      const plane = pool.outHeight * pool.outWidth;
      assert.deepEqual(out, Float32Array.from(out, (_, o) => b[Math.floor(o / plane) % c.filters]!), backend.label);
    }
  });
});
