// The portable convolution kernels (the wasm backend's twins, and its fallback for
// float64; max pooling is in js-pool.ts). Convolution as one matrix product over im2col's
// columns, a block of images at a time (one column per output position):
//   outT = W · col + b   (FN × images·OH·OW), then out[n, f, :] = outT[f, n·OH·OW …]
//   ∂L/∂W = Σ_blocks doutT · colᵀ      ∂L/∂b = Σ_columns doutT      ∂L/∂x = col2im(Wᵀ · doutT)
// Backward takes im2col of x again instead of keeping the forward's: the kernels keep no
// state between calls, and the copy is small next to the two products.

import type { Data } from '../tensor.js';
import { col2im, im2col } from './im2col.js';
import { gemmJs } from './js-gemm.js';
import type { ConvShape } from './kernel-interface.js';

/** im2col is taken over blocks of images holding about this many values. */
const BLOCK_VALUES = 1 << 20;

interface Scratch {
  col: Data;
  outT: Data;
}

const scratch: Record<'float32' | 'float64', Scratch> = {
  float32: { col: new Float32Array(0), outT: new Float32Array(0) },
  float64: { col: new Float64Array(0), outT: new Float64Array(0) },
};

function scratchFor(like: Data, colLength: number, outLength: number): Scratch {
  const s = scratch[like instanceof Float64Array ? 'float64' : 'float32'];
  const make = (length: number): Data => (like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length));
  if (s.col.length < colLength) s.col = make(colLength);
  if (s.outT.length < outLength) s.outT = make(outLength);
  return s;
}

function sizes(shape: ConvShape) {
  const positions = shape.outHeight * shape.outWidth;
  const width = shape.channels * shape.filterHeight * shape.filterWidth;
  const imageSize = shape.channels * shape.height * shape.width;
  const block = Math.max(1, Math.min(shape.images, Math.floor(BLOCK_VALUES / (positions * width))));
  return { positions, width, imageSize, block };
}

export function convForwardJs(x: Data, w: Data, bias: Data, out: Data, shape: ConvShape): void {
  const { images: N, filters: FN } = shape;
  const { positions, width, imageSize, block } = sizes(shape);
  const s = scratchFor(x, width * block * positions, FN * block * positions);
  for (let start = 0; start < N; start += block) {
    const images = Math.min(block, N - start);
    const columns = images * positions;
    im2col(x.subarray(start * imageSize, (start + images) * imageSize), images, shape, s.col);
    for (let f = 0; f < FN; f++) s.outT.fill(bias[f]!, f * columns, (f + 1) * columns);
    gemmJs(w, s.col, s.outT, FN, columns, width, { beta: 1 });
    // out[n, f, :] = outT[f, n·P … n·P + P): contiguous runs of P positions.
    for (let n = 0; n < images; n++) {
      for (let f = 0; f < FN; f++) {
        const from = f * columns + n * positions;
        out.set(s.outT.subarray(from, from + positions), ((start + n) * FN + f) * positions);
      }
    }
  }
}

export function convBackwardJs(x: Data, w: Data, dout: Data, dw: Data, db: Data, dx: Data | undefined, shape: ConvShape): void {
  const { images: N, filters: FN } = shape;
  const { positions, width, imageSize, block } = sizes(shape);
  const s = scratchFor(x, width * block * positions, FN * block * positions);
  db.fill(0, 0, FN);
  for (let start = 0; start < N; start += block) {
    const images = Math.min(block, N - start);
    const columns = images * positions;
    // doutT[f, n·P + p] = dout[n, f, p]
    for (let n = 0; n < images; n++) {
      for (let f = 0; f < FN; f++) {
        const from = ((start + n) * FN + f) * positions;
        s.outT.set(dout.subarray(from, from + positions), f * columns + n * positions);
      }
    }
    for (let f = 0; f < FN; f++) {
      let sum = 0;
      for (let i = f * columns; i < (f + 1) * columns; i++) sum += s.outT[i]!;
      db[f]! += sum;
    }
    im2col(x.subarray(start * imageSize, (start + images) * imageSize), images, shape, s.col);
    gemmJs(s.outT, s.col, dw, FN, width, columns, { transB: true, beta: start === 0 ? 0 : 1 });
    if (!dx) continue;
    gemmJs(w, s.outT, s.col, width, columns, FN, { transA: true });
    col2im(s.col, images, shape, dx.subarray(start * imageSize, (start + images) * imageSize));
  }
}
