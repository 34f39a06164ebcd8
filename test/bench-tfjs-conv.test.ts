// The bench's TF.js conv net reads batches as the dataset stores them (N×C×H×W): with
// two channels, its output equals scratchnet's Convolution with the same filters.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildTfNet } from '../bench/systems/tfjs-net.js';
import { Convolution } from '../src/layers/convolution.js';
import { Rng } from '../src/tensor/rng.js';
import { Tensor } from '../src/tensor/tensor.js';

test('TF.js conv net on NCHW batches of 2 channels equals scratchnet\'s convolution', async () => {
  await tf.setBackend('cpu');
  const [N, C, H, W, FN, K] = [2, 2, 5, 4, 3, 3];
  const spec = { kind: 'cnn', inputShape: [C, H, W], layers: [{ type: 'conv', filters: FN, size: K, pad: 1 }] };
  const net = buildTfNet(spec, new Rng(3), 0.5);
  const hwcf = net.variables[0]!.dataSync(); // K×K×C×FN
  const fchw = new Float32Array(FN * C * K * K);
  for (let f = 0; f < FN; f++) for (let c = 0; c < C; c++) for (let y = 0; y < K; y++) for (let x = 0; x < K; x++) {
    fchw[((f * C + c) * K + y) * K + x] = hwcf[((y * K + x) * C + c) * FN + f]!;
  }
  const pixels = new Float32Array(N * C * H * W);
  new Rng(4).fillNormal(pixels, 1);
  const theirs = net.forward(tf.tensor(pixels, [N, C, H, W])).dataSync(); // N×H×W×FN
  const conv = new Convolution(new Tensor(fchw, [FN, C, K, K]), Tensor.zeros([FN]), { pad: 1 });
  const ours = conv.forward(new Tensor(pixels, [N, C, H, W]), false).data; // N×FN×H×W
  for (let n = 0; n < N; n++) for (let f = 0; f < FN; f++) for (let i = 0; i < H * W; i++) {
    const want = ours[(n * FN + f) * H * W + i]!;
    const got = theirs[(n * H * W + i) * FN + f]!;
    assert.ok(Math.abs(got - want) < 1e-4, `n ${n} f ${f} pixel ${i}: TF.js ${got}, scratchnet ${want}`);
  }
});
