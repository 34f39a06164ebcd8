// Forward outputs of Convolution, max Pooling and BatchNorm against numpy, an independent
// implementation written here with padding, strided windows and tensordot.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchNorm } from '../src/layers/batch-norm.js';
import { Convolution } from '../src/layers/convolution.js';
import { Pooling } from '../src/layers/pooling.js';
import { kernels, setKernels } from '../src/tensor/kernels/kernels.js';
import { Rng } from '../src/tensor/rng.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { randomTensor } from './helpers/grad.js';
import { backendsUnderTest } from './helpers/kernels-backends.js';
import { numpySkip, runPython } from './helpers/python.js';

const NUMPY = `
import json, sys
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as windows
def run(q):
  x = np.array(q['x'], dtype=np.float64).reshape(q['xShape'])
  W = np.array(q['W'], dtype=np.float64).reshape(q['WShape'])
  b = np.array(q['b'], dtype=np.float64)
  s, p = q['stride'], q['pad']
  xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
  win = windows(xp, W.shape[2:], axis=(2, 3))[:, :, ::s, ::s]          # N, C, OH, OW, FH, FW
  conv = np.tensordot(win, W, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[None, :, None, None]
  k, ps, pp = q['poolSize'], q['poolStride'], q['poolPad']
  cp = np.pad(conv, ((0, 0), (0, 0), (pp, pp), (pp, pp)), constant_values=-np.inf)
  pool = windows(cp, (k, k), axis=(2, 3))[:, :, ::ps, ::ps].max(axis=(4, 5))
  g = np.array(q['gamma']); be = np.array(q['beta'])
  mu = conv.mean(axis=(0, 2, 3), keepdims=True); var = conv.var(axis=(0, 2, 3), keepdims=True)
  bn = g[None, :, None, None] * (conv - mu) / np.sqrt(var + 10e-7) + be[None, :, None, None]
  return {'conv': conv.ravel().tolist(), 'convShape': conv.shape, 'pool': pool.ravel().tolist(), 'poolShape': pool.shape, 'bn': bn.ravel().tolist()}
json.dump([run(q) for q in json.load(sys.stdin)], sys.stdout)
`;

const cases = [
  { stride: 1, pad: 0, filter: 5, poolSize: 2, poolStride: 2, poolPad: 0 },
  { stride: 2, pad: 1, filter: 3, poolSize: 3, poolStride: 2, poolPad: 1 },
  { stride: 1, pad: 2, filter: 3, poolSize: 2, poolStride: 1, poolPad: 0 },
];

test('conv (strides, pads) → max pool (strides, pads) → batch norm (training) equal numpy', { skip: numpySkip() }, () => {
  const rng = new Rng(21);
  const ours = cases.map((c) => {
    const x = randomTensor([3, 2, 11, 10], rng);
    const W = randomTensor([4, 2, c.filter, c.filter], rng);
    const b = randomTensor([4], rng);
    const gamma = randomTensor([4], rng);
    const beta = randomTensor([4], rng);
    const conv = new Convolution(W, b, { stride: c.stride, pad: c.pad }).forward(x, false).clone();
    const pool = new Pooling({ size: c.poolSize, stride: c.poolStride, pad: c.poolPad }).forward(conv);
    const bn = new BatchNorm(gamma, beta).forward(conv, true);
    const query = {
      x: [...x.data], xShape: x.shape, W: [...W.data], WShape: W.shape, b: [...b.data], stride: c.stride, pad: c.pad,
      poolSize: c.poolSize, poolStride: c.poolStride, poolPad: c.poolPad, gamma: [...gamma.data], beta: [...beta.data],
    };
    return { case: c, conv, pool, bn, query };
  });
  const reference = runPython(NUMPY, ours.map((o) => o.query)) as { conv: number[]; convShape: number[]; pool: number[]; poolShape: number[]; bn: number[] }[];
  ours.forEach((o, k) => {
    const r = reference[k]!;
    const label = `stride ${o.case.stride} pad ${o.case.pad}, pool ${o.case.poolSize}/${o.case.poolStride}/${o.case.poolPad}`;
    assert.deepEqual(o.conv.shape, r.convShape, label);
    assert.deepEqual(o.pool.shape, r.poolShape, label);
    const close = (name: string, mine: Tensor, theirs: number[]) =>
      theirs.forEach((value, i) => assert.ok(Math.abs(mine.data[i]! - value) < 1e-9, `${label} ${name}[${i}]: ${mine.data[i]} vs numpy ${value}`));
    close('conv', o.conv, r.conv);
    close('pool', o.pool, r.pool);
    close('batchnorm', o.bn, r.bn);
  });
});

test('float32 convolution on every backend (js, wasm builds and threads) stays within float32 rounding of float64', async () => {
  const rng = new Rng(22);
  const x = randomTensor([3, 3, 9, 9], rng);
  const W = randomTensor([5, 3, 3, 3], rng);
  const b = randomTensor([5], rng);
  const dout = randomTensor([3, 5, 5, 5], rng);
  const reference = new Convolution(W, b, { stride: 2, pad: 1 });
  const out64 = reference.forward(x, true).clone();
  const dx64 = reference.backward(dout)!.clone();
  const { backends, close } = await backendsUnderTest();
  const previous = kernels();
  try {
    for (const backend of backends) {
      setKernels(backend.kernels);
      const conv = new Convolution(W.as('float32'), b.as('float32'), { stride: 2, pad: 1 });
      const out32 = conv.forward(x.as('float32'), true);
      const dx32 = conv.backward(dout.as('float32'))!;
      assert.equal(out32.dtype, 'float32');
      const close32 = (name: string, ours: Tensor, want: Tensor) => {
        for (let i = 0; i < want.size; i++) assert.ok(Math.abs(ours.data[i]! - want.data[i]!) < 1e-4 * Math.max(1, Math.abs(want.data[i]!)), `${backend.label} ${name}[${i}]`);
      };
      close32('out', out32, out64);
      close32('dx', dx32, dx64);
      close32('dW', conv.W.grad, reference.W.grad);
      close32('db', conv.b.grad, reference.b.grad);
    }
  } finally {
    setKernels(previous);
    await close();
  }
});
