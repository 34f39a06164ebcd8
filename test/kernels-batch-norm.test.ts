// Batch normalization's kernels on every backend against the portable ones in float64: the
// batch's statistics, xn and out, and the backward, in training and inference modes, on
// N×C×H×W (runs of 4·k and odd lengths) and N×D arrays.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { assertClose, type Backend, backendsUnderTest, randomFill } from './helpers/kernels-backends.js';

const js = createJsKernels();

const CASES = [
  { N: 4, C: 3, S: 28 },
  { N: 3, C: 5, S: 7 },
  { N: 9, C: 6, S: 1 },
];

function values(length: number, seed: number, scale = 1, shift = 0): Float64Array {
  const data = new Float64Array(length);
  randomFill(data, seed);
  for (let i = 0; i < length; i++) data[i] = data[i]! * scale + shift;
  return data;
}

function copy(backend: Backend, data: Float64Array): Float32Array {
  const out = backend.float32(data.length);
  out.set(data);
  return out;
}

describe('batch normalization kernels', () => {
  let backends: Backend[] = [];
  let close = async (): Promise<void> => {};
  before(async () => ({ backends, close } = await backendsUnderTest()));
  after(() => close());

  it('agree with the portable kernels in float64, training and inference, forward and backward', () => {
    CASES.forEach(({ N, C, S }, n) => {
      const length = N * C * S;
      // Values far from 0 (a mean of 3): the variance's two passes matter.
      const x = values(length, n + 1, 2, 3), gamma = values(C, n + 2, 1, 1), beta = values(C, n + 3), dout = values(length, n + 4);
      for (const training of [true, false]) {
        const mean = new Float64Array(C), invStd = new Float64Array(C);
        if (!training) for (let c = 0; c < C; c++) [mean[c], invStd[c]] = [0.5 * c - 1, 1 / Math.sqrt(1 + c)];
        const want = { xn: new Float64Array(length), out: new Float64Array(length), dx: new Float64Array(length), dgamma: new Float64Array(C), dbeta: new Float64Array(C) };
        const wantMean = Float64Array.from(mean), wantInvStd = Float64Array.from(invStd), wantVariance = new Float64Array(C);
        js.batchNormForward(x, want.xn, want.out, gamma, beta, wantMean, wantInvStd, training ? wantVariance : undefined, N, C, S, 1e-6);
        js.batchNormBackward(dout, want.xn, want.dx, gamma, wantInvStd, want.dgamma, want.dbeta, N, C, S, training);
        for (const backend of backends) {
          const what = `${backend.label} case ${n}${training ? '' : ', inference'}`;
          const xn = copy(backend, values(length, 90)), out = copy(backend, values(length, 91)), dx = copy(backend, values(length, 92));
          const dgamma = copy(backend, values(C, 93)), dbeta = copy(backend, values(C, 94));
          const m = Float64Array.from(mean), s = Float64Array.from(invStd), v = new Float64Array(C);
          const g = copy(backend, gamma);
          backend.kernels.batchNormForward(copy(backend, x), xn, out, g, copy(backend, beta), m, s, training ? v : undefined, N, C, S, 1e-6);
          backend.kernels.batchNormBackward(copy(backend, dout), xn, dx, g, s, dgamma, dbeta, N, C, S, training);
          if (training) {
            assertClose(m, wantMean, 1e-6, `mean ${what}`);
            assertClose(v, wantVariance, 1e-5, `variance ${what}`);
            assertClose(s, wantInvStd, 1e-5, `invStd ${what}`);
          }
          assertClose(xn, want.xn, 1e-5, `xn ${what}`);
          assertClose(out, want.out, 1e-5, `out ${what}`);
          assertClose(dx, want.dx, 1e-4, `dx ${what}`);
          assertClose(dgamma, want.dgamma, 1e-4, `dgamma ${what}`);
          assertClose(dbeta, want.dbeta, 1e-4, `dbeta ${what}`);
        }
      }
    });
  });

  it('gives the portable kernel\'s float32 bits when the statistics are the same (inference mode)', () => {
    const { N, C, S } = CASES[1]!;
    const length = N * C * S;
    const mean = Float64Array.from({ length: C }, (_, c) => 0.25 * c), invStd = Float64Array.from({ length: C }, (_, c) => 1 / (1 + c));
    const plain = (length: number) => new Float32Array(length);
    const x = Float32Array.from(values(length, 7)), gamma = Float32Array.from(values(C, 8)), beta = Float32Array.from(values(C, 9));
    const want = [plain(length), plain(length)] as const;
    js.batchNormForward(x, want[0], want[1], gamma, beta, mean, invStd, undefined, N, C, S, 1e-6);
    for (const backend of backends.slice(1)) {
      const xn = backend.float32(length), out = backend.float32(length);
      backend.kernels.batchNormForward(copy(backend, Float64Array.from(x)), xn, out, copy(backend, Float64Array.from(gamma)), copy(backend, Float64Array.from(beta)), mean, invStd, undefined, N, C, S, 1e-6);
      assert.deepEqual(xn, want[0], `xn ${backend.label}`);
      assert.deepEqual(out, want[1], `out ${backend.label}`);
    }
  });
});
