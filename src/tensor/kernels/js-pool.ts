// The portable max-pooling kernels (the wasm backend's twins, and its fallback for float64):
//   out[o] = max over the window of o (padding cells skipped, never the maximum)
//   argmax[o] = fy·FW + fx, the cell of o's first maximum, counted from the window's corner
//               (oy·S − P, ox·S − P): one byte per output, so windows have at most 256 cells
//   ∂L/∂x[the cell argmax[o] of window o] += dout[o]
// Backward reads argmax, not x: no second search, and x need not be kept.
// A Relu right after the pooling can be fused: out[o] = relu(max) = max > 0 ? max : 0, and
// backward, given that output y, passes dout[o]·[y[o] > 0], Relu's backward.

import type { Data } from '../tensor.js';
import type { ConvGeometry } from './im2col.js';
import { convBackwardJs, convForwardJs } from './js-conv.js';
import type { ConvShape } from './kernel-interface.js';

/** The most cells a pooling window may have: argmax keeps a window's cell in one byte. */
export const MAX_POOL_WINDOW_CELLS = 256;

export function checkPoolWindow(g: ConvGeometry): void {
  if (g.filterHeight * g.filterWidth > MAX_POOL_WINDOW_CELLS) {
    throw new Error(`maxPool: a ${g.filterHeight}×${g.filterWidth} window has more than ${MAX_POOL_WINDOW_CELLS} cells`);
  }
}

export function maxPoolForwardJs(x: Data, out: Data, argmax: Uint8Array, planes: number, g: ConvGeometry, relu = false): void {
  checkPoolWindow(g);
  const { height: H, width: W, stride: S, pad: P, filterWidth: KW, outHeight: OH, outWidth: OW } = g;
  const pair = isPair(g);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o++) {
        const best = pair ? pairArgmax(x, base + 2 * oy * W + 2 * ox, W) : windowArgmax(x, base, oy, ox, g);
        const max = x[best]!;
        out[o] = relu && !(max > 0) ? 0 : max;
        const at = best - base;
        argmax[o] = (Math.floor(at / W) - (oy * S - P)) * KW + (at % W) - (ox * S - P);
      }
    }
  }
}

export function maxPoolBackwardJs(argmax: Uint8Array, dout: Data, dx: Data, planes: number, g: ConvGeometry, y?: Data): void {
  checkPoolWindow(g);
  const { height: H, width: W, stride: S, pad: P, filterWidth: KW, outHeight: OH, outWidth: OW } = g;
  dx.fill(0, 0, planes * H * W);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, o++) {
        if (y && !(y[o]! > 0)) continue;
        const cell = argmax[o]!;
        const row = oy * S - P + Math.floor(cell / KW);
        const col = ox * S - P + (cell % KW);
        // NOTE: +=, not =: overlapping windows (stride < size) can share one maximum.
        dx[base + row * W + col]! += dout[o]!;
      }
    }
  }
}

// NOTE: the window maxima are found without branches on the data (best += [v > max]·(i − best)):
// with the data's random signs, a branch mispredicts about half the time, which cost
// 2–3× here. Ties keep the first maximum in row-major window order.

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

/** Images are convolved, then pooled, this many at a time (the convolution's output is a scratch block). */
const CONV_POOL_IMAGES = 32;

/** convPoolForward: convForward on a few images at a time into scratch, then maxPoolForward of those. */
export function convPoolForwardJs(
  x: Data, w: Data, bias: Data, out: Data, argmax: Uint8Array, shape: ConvShape, pool: ConvGeometry, relu: boolean,
): void {
  const { images: N, filters: FN, channels: C, height: H, width: W, outHeight: OH, outWidth: OW } = shape;
  const pooled = FN * pool.outHeight * pool.outWidth;
  const step = Math.min(N, CONV_POOL_IMAGES);
  const conv = x instanceof Float64Array ? new Float64Array(step * FN * OH * OW) : new Float32Array(step * FN * OH * OW);
  for (let start = 0; start < N; start += step) {
    const images = Math.min(step, N - start);
    convForwardJs(x.subarray(start * C * H * W, (start + images) * C * H * W), w, bias, conv, { ...shape, images });
    maxPoolForwardJs(conv, out.subarray(start * pooled), argmax.subarray(start * pooled), images * FN, pool, relu);
  }
}

/** convPoolBackward: maxPoolBackward into a whole ∂L/∂out, then convBackward. */
export function convPoolBackwardJs(
  x: Data, w: Data, dpool: Data, argmax: Uint8Array, y: Data | undefined, dw: Data, db: Data, dx: Data | undefined, shape: ConvShape, pool: ConvGeometry,
): void {
  const length = shape.images * shape.filters * shape.outHeight * shape.outWidth;
  const dout = dpool instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
  maxPoolBackwardJs(argmax, dpool, dout, shape.images * shape.filters, pool, y);
  convBackwardJs(x, w, dout, dw, db, dx, shape);
}
