// Max pooling over FH×FW windows of each channel, stride S, padding P:
//   out[n, c, oy, ox] = max_{fy,fx} x[n, c, oy·S + fy − P, ox·S + fx − P]
//   ∂L/∂x[argmax] += dout   (every other input of the window gets nothing)
// This is the book's im2col formulation (one window per im2col row, the max of each row)
// without materializing col: the loop visits the same windows, reads x directly and
// remembers where each maximum came from. Padding cells are skipped (never the maximum),
// as ONNX MaxPool defines them.

import { reuse, type Data, type Tensor } from '../tensor/tensor.js';
import { convGeometry, type ConvGeometry } from './im2col.js';
import type { Layer, Param } from './layer.js';

export interface PoolingOptions {
  /** Window height and width (square). */
  size: number;
  /** Defaults to the window size (non-overlapping windows). */
  stride?: number;
  pad?: number;
}

export class Pooling implements Layer {
  readonly name: string;
  readonly size: number;
  readonly stride: number;
  readonly pad: number;
  private geometry: ConvGeometry | undefined;
  private inputShape: readonly number[] | undefined;
  /** Flat index into x of each output's maximum. */
  private argmax = new Int32Array(0);
  private out: Tensor | undefined;
  private dx: Tensor | undefined;

  constructor(options: PoolingOptions, name = 'Pooling') {
    const { size, stride = size, pad = 0 } = options;
    if (!Number.isInteger(size) || size < 1) throw new Error(`${name}: size must be a positive integer, got ${size}`);
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`${name}: stride must be a positive integer, got ${stride}`);
    // NOTE: with pad ≥ size a window could lie wholly in the padding and have no maximum.
    if (!Number.isInteger(pad) || pad < 0 || pad >= size) throw new Error(`${name}: pad must be an integer in [0, size), got ${pad}`);
    this.name = name;
    this.size = size;
    this.stride = stride;
    this.pad = pad;
  }

  outputShape(inputShape: readonly number[]): number[] {
    const g = this.geometryFor(inputShape);
    return [g.channels, g.outHeight, g.outWidth];
  }

  forward(x: Tensor): Tensor {
    if (x.shape.length !== 4) throw new Error(`${this.name}: expected N×C×H×W input, got [${x.shape.join(', ')}]`);
    const g = this.geometryFor(x.shape.slice(1));
    const { height: H, width: W, outHeight: OH, outWidth: OW, stride: S, pad: P } = g;
    const K = this.size;
    const planes = x.shape[0]! * g.channels;
    const out = (this.out = reuse(this.out, [x.shape[0]!, g.channels, OH, OW], x.dtype));
    if (this.argmax.length !== out.size) this.argmax = new Int32Array(out.size);
    const argmax = this.argmax;
    if (K === 2 && S === 2 && P === 0) maxPool2x2(x.data, out.data, argmax, planes, H, W, OH, OW);
    else maxPool(x.data, out.data, argmax, planes, g, K);
    this.inputShape = x.shape;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const inputShape = this.inputShape;
    if (!inputShape) throw new Error(`${this.name}: backward before forward`);
    const dx = (this.dx = reuse(this.dx, inputShape, dout.dtype));
    const d = dx.data;
    const g = dout.data;
    const argmax = this.argmax;
    d.fill(0);
    // NOTE: +=, not =: overlapping windows (stride < size) can share one maximum.
    for (let o = 0; o < g.length; o++) d[argmax[o]!] += g[o]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }

  private geometryFor(inputShape: readonly number[]): ConvGeometry {
    if (inputShape.length !== 3) throw new Error(`${this.name}: expected a C×H×W input, got [${inputShape.join(', ')}]`);
    const [channels, height, width] = inputShape as [number, number, number];
    const g = this.geometry;
    if (g && g.channels === channels && g.height === height && g.width === width) return g;
    return (this.geometry = convGeometry({ channels, height, width }, { height: this.size, width: this.size }, this.stride, this.pad));
  }
}

// NOTE: the window maxima are found without branches on the data (best += [v > max]·(i − best)):
// with the data's random signs, a branch mispredicts about half the time, which cost
// 2–3× here. Ties keep the first maximum in row-major window order.

function maxPool(xs: Data, ys: Data, argmax: Int32Array, planes: number, g: ConvGeometry, K: number): void {
  const { height: H, width: W, outHeight: OH, outWidth: OW, stride: S, pad: P } = g;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const yStart = Math.max(oy * S - P, 0);
      const yEnd = Math.min(oy * S - P + K, H);
      for (let ox = 0; ox < OW; ox++, o++) {
        const xStart = Math.max(ox * S - P, 0);
        const xEnd = Math.min(ox * S - P + K, W);
        let best = base + yStart * W + xStart;
        for (let y = yStart; y < yEnd; y++) {
          const row = base + y * W;
          for (let i = row + xStart; i < row + xEnd; i++) best += +(xs[i]! > xs[best]!) * (i - best);
        }
        ys[o] = xs[best]!;
        argmax[o] = best;
      }
    }
  }
}

/** The common case, 2×2 windows with stride 2 and no padding: the larger of each row's pair, then of the two rows. */
function maxPool2x2(xs: Data, ys: Data, argmax: Int32Array, planes: number, H: number, W: number, OH: number, OW: number): void {
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const row = base + 2 * oy * W;
      for (let ox = 0; ox < OW; ox++, o++) {
        const i = row + 2 * ox;
        const top = i + +(xs[i + 1]! > xs[i]!);
        const bottom = i + W + +(xs[i + W + 1]! > xs[i + W]!);
        const best = top + +(xs[bottom]! > xs[top]!) * (bottom - top);
        ys[o] = xs[best]!;
        argmax[o] = best;
      }
    }
  }
}
