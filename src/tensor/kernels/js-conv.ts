// The portable convolution and max-pooling kernels (the wasm backend's twins, and its
// fallback for float64). Convolution as one matrix product over im2col's columns, a block
// of images at a time (one column per output position):
//   outT = W · col + b   (FN × images·OH·OW), then out[n, f, :] = outT[f, n·OH·OW …]
//   ∂L/∂W = Σ_blocks doutT · colᵀ      ∂L/∂b = Σ_columns doutT      ∂L/∂x = col2im(Wᵀ · doutT)
// Backward takes im2col of x again instead of keeping the forward's: the kernels keep no
// state between calls, and the copy is small next to the two products.

import type { Data } from '../tensor.js';
import { col2im, im2col, type ConvGeometry } from './im2col.js';
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

// NOTE: the window maxima are found without branches on the data (best += [v > max]·(i − best)):
// with the data's random signs, a branch mispredicts about half the time, which cost
// 2–3× here. Ties keep the first maximum in row-major window order; backward finds the
// same one again from x.

/** Flat index into xs of the first maximum of window (oy, ox) of the plane at `base`. */
function windowArgmax(xs: Data, base: number, oy: number, ox: number, g: ConvGeometry): number {
  const { height: H, width: W, stride: S, pad: P, filterHeight: K, filterWidth: KW } = g;
  const yStart = Math.max(oy * S - P, 0);
  const yEnd = Math.min(oy * S - P + K, H);
  const xStart = Math.max(ox * S - P, 0);
  const xEnd = Math.min(ox * S - P + KW, W);
  let best = base + yStart * W + xStart;
  for (let y = yStart; y < yEnd; y++) {
    const row = base + y * W;
    for (let i = row + xStart; i < row + xEnd; i++) best += +(xs[i]! > xs[best]!) * (i - best);
  }
  return best;
}

/** 2×2 windows, stride 2, no padding: the larger of each row's pair, then of the two rows. */
function pairArgmax(xs: Data, i: number, W: number): number {
  const top = i + +(xs[i + 1]! > xs[i]!);
  const bottom = i + W + +(xs[i + W + 1]! > xs[i + W]!);
  return top + +(xs[bottom]! > xs[top]!) * (bottom - top);
}

function isPair(g: ConvGeometry): boolean {
  return g.filterHeight === 2 && g.filterWidth === 2 && g.stride === 2 && g.pad === 0;
}

/** Visits every output o of every plane with the flat index of its window's maximum. */
function forEachArgmax(xs: Data, planes: number, g: ConvGeometry, visit: (o: number, best: number) => void): void {
  const { height: H, width: W, outHeight: OH, outWidth: OW } = g;
  const pair = isPair(g);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o++) {
        visit(o, pair ? pairArgmax(xs, base + 2 * oy * W + 2 * ox, W) : windowArgmax(xs, base, oy, ox, g));
      }
    }
  }
}

export function maxPoolForwardJs(x: Data, out: Data, planes: number, g: ConvGeometry): void {
  forEachArgmax(x, planes, g, (o, best) => (out[o] = x[best]!));
}

export function maxPoolBackwardJs(x: Data, dout: Data, dx: Data, planes: number, g: ConvGeometry): void {
  dx.fill(0, 0, planes * g.height * g.width);
  // NOTE: +=, not =: overlapping windows (stride < size) can share one maximum.
  forEachArgmax(x, planes, g, (o, best) => (dx[best]! += dout[o]!));
}
