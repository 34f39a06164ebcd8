// The convolution, max-pooling and Adam kernels of every backend against the portable
// ones (float64 for convolution), on geometries with and without padding, strides, odd
// sizes and ties; and the same bits for a convolution split over threads as on one.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { convGeometry } from '../src/tensor/kernels/im2col.js';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import type { ConvShape } from '../src/tensor/kernels/kernels.js';
import { MIN_PARALLEL_ELEMENTWISE_BYTES } from '../src/tensor/kernels/wasm/elementwise-ops.js';
import { assertClose, type Backend, backendsUnderTest, bytesOf, randomFill } from './helpers/kernels-backends.js';

const js = createJsKernels();

const CONV_CASES = [
  { images: 5, channels: 3, height: 9, width: 8, filters: 4, size: 3, stride: 1, pad: 1 },
  { images: 3, channels: 2, height: 11, width: 10, filters: 5, size: 3, stride: 2, pad: 1 },
  { images: 9, channels: 1, height: 12, width: 12, filters: 16, size: 5, stride: 1, pad: 0 },
  { images: 2, channels: 4, height: 7, width: 9, filters: 3, size: 2, stride: 3, pad: 1 },
  { images: 1, channels: 16, height: 14, width: 14, filters: 32, size: 3, stride: 1, pad: 1 },
  // Stride 1 and output as wide as the input (im2col by shifted planes): the cnn's first
  // layer, 5×5 pad 2, inputs narrower or lower than the filter, 1×1 filters.
  { images: 1, channels: 1, height: 28, width: 28, filters: 16, size: 3, stride: 1, pad: 1 },
  { images: 2, channels: 2, height: 7, width: 6, filters: 9, size: 5, stride: 1, pad: 2 },
  { images: 2, channels: 3, height: 2, width: 5, filters: 4, size: 3, stride: 1, pad: 1 },
  { images: 2, channels: 2, height: 4, width: 1, filters: 3, size: 5, stride: 1, pad: 2 },
  { images: 2, channels: 3, height: 1, width: 1, filters: 2, size: 3, stride: 1, pad: 1 },
  { images: 2, channels: 5, height: 3, width: 3, filters: 7, size: 1, stride: 1, pad: 0 },
  // 3×3 pad 1 with ≥ 8 input channels (Winograd F(2×2, 3×3), forward: C → FN; ∂L/∂x: FN →
  // C): odd sizes (tiles past the edge), a one-row image, only one of the two ways, groups
  // of two images and a last group of one in a block.
  { images: 3, channels: 8, height: 7, width: 5, filters: 12, size: 3, stride: 1, pad: 1 },
  { images: 2, channels: 12, height: 1, width: 3, filters: 8, size: 3, stride: 1, pad: 1 },
  { images: 2, channels: 16, height: 2, width: 2, filters: 4, size: 3, stride: 1, pad: 1 },
  { images: 17, channels: 4, height: 6, width: 6, filters: 8, size: 3, stride: 1, pad: 1 },
  { images: 9, channels: 16, height: 10, width: 10, filters: 32, size: 3, stride: 1, pad: 1 },
];

const POOL_CASES = [
  { planes: 6, height: 8, width: 16, size: 2, stride: 2, pad: 0 },
  { planes: 5, height: 7, width: 9, size: 2, stride: 2, pad: 0 },
  { planes: 4, height: 28, width: 28, size: 2, stride: 2, pad: 0 },
  { planes: 3, height: 9, width: 10, size: 3, stride: 2, pad: 1 },
  { planes: 3, height: 6, width: 7, size: 2, stride: 1, pad: 0 },
];

function filled(backend: Backend, length: number, seed: number, levels = 0): Float32Array {
  const data = backend.float32(length);
  randomFill(data, seed);
  // Few distinct values: windows with ties (the first maximum must win on every backend).
  if (levels > 0) for (let i = 0; i < length; i++) data[i] = Math.round(data[i]! * levels) / levels;
  return data;
}

function convShape(c: (typeof CONV_CASES)[number]): ConvShape {
  const g = convGeometry(c, { height: c.size, width: c.size }, c.stride, c.pad);
  return { ...g, images: c.images, filters: c.filters };
}

interface ConvResult {
  out: Float32Array;
  dw: Float32Array;
  db: Float32Array;
  dx: Float32Array;
  dwOnly: Float32Array;
}

function runConv(backend: Backend, c: (typeof CONV_CASES)[number], seed: number): ConvResult {
  const shape = convShape(c);
  const k = backend.kernels;
  const xLength = c.images * c.channels * c.height * c.width;
  const wLength = c.filters * c.channels * c.size * c.size;
  const outLength = c.images * c.filters * shape.outHeight * shape.outWidth;
  const x = filled(backend, xLength, seed);
  const w = filled(backend, wLength, seed + 1);
  const b = filled(backend, c.filters, seed + 2);
  const dout = filled(backend, outLength, seed + 3);
  const out = filled(backend, outLength, 99); // garbage: must be overwritten
  const dw = filled(backend, wLength, 98);
  const db = filled(backend, c.filters, 97);
  const dx = filled(backend, xLength, 96);
  const dwOnly = filled(backend, wLength, 95);
  const dbOnly = backend.float32(c.filters);
  k.convForward(x, w, b, out, shape);
  k.convBackward(x, w, dout, dw, db, dx, shape);
  k.convBackward(x, w, dout, dwOnly, dbOnly, undefined, shape);
  return { out, dw, db, dx, dwOnly };
}

/** The portable kernels in float64 on the same inputs. */
function reference(c: (typeof CONV_CASES)[number], seed: number): Record<keyof ConvResult, Float64Array> {
  const plain: Backend = { label: 'js', kernels: js, float32: (length) => new Float32Array(length) };
  const shape = convShape(c);
  const as64 = (length: number, s: number) => Float64Array.from(filled(plain, length, s));
  const xLength = c.images * c.channels * c.height * c.width;
  const wLength = c.filters * c.channels * c.size * c.size;
  const outLength = c.images * c.filters * shape.outHeight * shape.outWidth;
  const x = as64(xLength, seed), w = as64(wLength, seed + 1), b = as64(c.filters, seed + 2), dout = as64(outLength, seed + 3);
  const out = new Float64Array(outLength), dw = new Float64Array(wLength), db = new Float64Array(c.filters), dx = new Float64Array(xLength);
  js.convForward(x, w, b, out, shape);
  js.convBackward(x, w, dout, dw, db, dx, shape);
  return { out, dw, db, dx, dwOnly: dw };
}

describe('convolution, pooling and Adam kernels on every backend', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('convForward and convBackward (with and without ∂L/∂x) agree with float64 within float32 rounding', () => {
    CONV_CASES.forEach((c, n) => {
      const want = reference(c, 10 * n + 1);
      for (const backend of backends) {
        const got = runConv(backend, c, 10 * n + 1);
        const what = `${backend.label} case ${n}`;
        assertClose(got.out, want.out, 1e-5, `out ${what}`);
        assertClose(got.dw, want.dw, 1e-5, `dW ${what}`);
        assertClose(got.db, want.db, 1e-5, `db ${what}`);
        assertClose(got.dx, want.dx, 1e-5, `dx ${what}`);
        assertClose(got.dwOnly, want.dw, 1e-5, `dW without dx ${what}`);
      }
    });
  });

  it('a convolution gives the same bits split over threads as on one', () => {
    const one = backends.find((b) => b.label === 'wasm relaxed-simd, 1 thread') ?? backends[1]!;
    const two = backends.find((b) => b.label === 'wasm relaxed-simd, 2 threads');
    assert.ok(two, 'a 2-thread relaxed-simd backend');
    CONV_CASES.forEach((c, n) => {
      const a = runConv(one, c, 10 * n + 5);
      const b = runConv(two, c, 10 * n + 5);
      for (const key of ['out', 'dw', 'db', 'dx', 'dwOnly'] as const) assert.deepEqual(b[key], a[key], `${key} case ${n}`);
    });
  });

  it('arrays outside the kernels\' memory (copied in and out) give the same bits as arrays inside', () => {
    for (const backend of backends.slice(1)) {
      const outside: Backend = { ...backend, float32: (length) => new Float32Array(length) };
      CONV_CASES.forEach((c, n) => {
        const inside = runConv(backend, c, 10 * n + 7);
        const copied = runConv(outside, c, 10 * n + 7);
        for (const key of ['out', 'dw', 'db', 'dx', 'dwOnly'] as const) assert.deepEqual(copied[key], inside[key], `${backend.label} ${key} case ${n}`);
      });
      const c = POOL_CASES[0]!;
      const g = convGeometry({ channels: 1, height: c.height, width: c.width }, { height: c.size, width: c.size }, c.stride, c.pad);
      const pool = (b: Backend) => {
        const x = filled(b, c.planes * c.height * c.width, 60);
        const out = b.float32(c.planes * g.outHeight * g.outWidth);
        const argmax = b === outside ? new Uint8Array(out.length) : bytesOf(b, out.length);
        const dx = b.float32(x.length);
        b.kernels.maxPoolForward(x, out, argmax, c.planes, g);
        b.kernels.maxPoolBackward(argmax, out, dx, c.planes, g);
        return [out, argmax, dx];
      };
      assert.deepEqual(pool(outside), pool(backend), `${backend.label} pooling`);
    }
  });

  it('maxPoolForward and maxPoolBackward give the portable kernel\'s bits, ties and odd sizes included', () => {
    POOL_CASES.forEach((c, n) => {
      const g = convGeometry({ channels: 1, height: c.height, width: c.width }, { height: c.size, width: c.size }, c.stride, c.pad);
      const outLength = c.planes * g.outHeight * g.outWidth;
      for (const levels of [0, 2]) {
        const plain: Backend = { label: 'js', kernels: js, float32: (length) => new Float32Array(length) };
        const x0 = filled(plain, c.planes * c.height * c.width, n + 40, levels);
        const dout0 = filled(plain, outLength, n + 50);
        const out0 = new Float32Array(outLength);
        const argmax0 = new Uint8Array(outLength);
        const dx0 = new Float32Array(x0.length);
        js.maxPoolForward(x0, out0, argmax0, c.planes, g);
        js.maxPoolBackward(argmax0, dout0, dx0, c.planes, g);
        assertArgmaxIsFirstMaximum(x0, out0, argmax0, c.planes, g, `case ${n}`);
        for (const backend of backends) {
          const what = `${backend.label} case ${n}${levels ? ' with ties' : ''}`;
          const x = filled(backend, x0.length, n + 40, levels);
          const dout = filled(backend, outLength, n + 50);
          const out = filled(backend, outLength, 3);
          const argmax = bytesOf(backend, outLength).fill(200);
          const dx = filled(backend, x0.length, 4);
          backend.kernels.maxPoolForward(x, out, argmax, c.planes, g);
          backend.kernels.maxPoolBackward(argmax, dout, dx, c.planes, g);
          assert.deepEqual(out, out0, `out ${what}`);
          assert.deepEqual(argmax, argmax0, `argmax ${what}`);
          assert.deepEqual(dx, dx0, `dx ${what}`);
        }
      }
    });
  });

  it('max pooling refuses windows of more than 256 cells (argmax keeps a cell in a byte)', () => {
    const g = convGeometry({ channels: 1, height: 17, width: 17 }, { height: 17, width: 17 }, 1, 0);
    for (const backend of backends) {
      const x = backend.float32(17 * 17);
      assert.throws(() => backend.kernels.maxPoolForward(x, backend.float32(1), bytesOf(backend, 1), 1, g), /17×17 window has more than 256 cells/, backend.label);
      assert.throws(() => backend.kernels.maxPoolBackward(bytesOf(backend, 1), backend.float32(1), x, 1, g), /more than 256 cells/, backend.label);
    }
  });

  it('adamUpdate agrees with the portable kernel to float32 rounding over several steps', () => {
    for (const length of [1, 7, 100, 1003]) {
      const plain: Backend = { label: 'js', kernels: js, float32: (n) => new Float32Array(n) };
      const state = (backend: Backend) => ({ w: filled(backend, length, 1), m: backend.float32(length), v: backend.float32(length) });
      const want = state(plain);
      const results = backends.map((backend) => ({ backend, ...state(backend) }));
      for (let step = 1; step <= 3; step++) {
        const lrT = (0.001 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
        const g0 = filled(plain, length, 10 + step);
        js.adamUpdate(want.w, g0, want.m, want.v, 0.9, 0.999, lrT, 1e-7);
        for (const r of results) r.backend.kernels.adamUpdate(r.w, filled(r.backend, length, 10 + step), r.m, r.v, 0.9, 0.999, lrT, 1e-7);
      }
      for (const r of results) {
        assertClose(r.w, want.w, 1e-6, `w ${r.backend.label} ${length}`);
        assertClose(r.m, want.m, 1e-6, `m ${r.backend.label} ${length}`);
        assertClose(r.v, want.v, 1e-5, `v ${r.backend.label} ${length}`);
      }
    }
  });
});

describe('element-wise kernels split over the threads', () => {
  let backends: Backend[] = [];
  let close: () => Promise<void> = async () => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('relu, reluBackward and adamUpdate give the bits of one thread (an odd length: a partial last vector)', () => {
    const length = 140_001;
    // relu has the fewest arrays (2): long enough that every op may split.
    assert.ok(length * 4 * 2 >= MIN_PARALLEL_ELEMENTWISE_BYTES);
    const run = (b: Backend) => {
      const x = filled(b, length, 71);
      const y = b.float32(length);
      const dx = b.float32(length);
      b.kernels.relu(x, y);
      b.kernels.reluBackward(filled(b, length, 72), y, dx);
      const w = filled(b, length, 73), m = b.float32(length), v = b.float32(length);
      for (let step = 1; step <= 2; step++) b.kernels.adamUpdate(w, filled(b, length, 73 + step), m, v, 0.9, 0.999, 0.001 * step, 1e-7);
      return { y, dx, w, m, v };
    };
    // wasm relaxed-simd: 1 thread, then 2; simd: 1 thread, then 3 (backendsUnderTest's order).
    for (const [one, several] of [[1, 3], [2, 4]] as const) {
      const want = run(backends[one]!);
      const got = run(backends[several]!);
      for (const key of ['y', 'dx', 'w', 'm', 'v'] as const) assert.deepEqual(got[key], want[key], `${key}: ${backends[several]!.label}`);
    }
  });
});

/** Each argmax names a cell inside its window, inside the image, holding the window's first maximum. */
function assertArgmaxIsFirstMaximum(x: Float32Array, out: Float32Array, argmax: Uint8Array, planes: number, g: ReturnType<typeof convGeometry>, what: string): void {
  const { height: H, width: W, stride: S, pad: P, filterHeight: K, filterWidth: KW, outHeight: OH, outWidth: OW } = g;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o++) {
        const cells: number[] = [];
        for (let fy = 0; fy < K; fy++) {
          for (let fx = 0; fx < KW; fx++) {
            const y = oy * S - P + fy, xx = ox * S - P + fx;
            if (y >= 0 && y < H && xx >= 0 && xx < W) cells.push(fy * KW + fx);
          }
        }
        const value = (cell: number) => x[plane * H * W + (oy * S - P + Math.floor(cell / KW)) * W + ox * S - P + (cell % KW)]!;
        const first = cells.find((cell) => value(cell) === Math.max(...cells.map(value)));
        assert.equal(argmax[o], first, `${what}: argmax of output ${o}`);
        assert.equal(out[o], value(first!), `${what}: output ${o}`);
      }
    }
  }
}
