// Convolution (cross-correlation, as in the book) of an N×C×H×W input with FN filters
// W (FN×C×FH×FW) and biases b (FN), stride S, zero padding P:
//   out[n, f, oy, ox] = Σ_{c,fy,fx} W[f, c, fy, fx] · x[n, c, oy·S + fy − P, ox·S + fx − P] + b[f]
// computed as one matrix product over im2col's columns (one per output position):
//   outT = W · col + b   (FN × N·OH·OW), then out[n, f, :] = outT[f, n·OH·OW …]
//   ∂L/∂W = doutT · colᵀ      ∂L/∂b = Σ_columns doutT      ∂L/∂x = col2im(Wᵀ · doutT)

import { kernels } from '../tensor/kernels/kernels.js';
import { reuse, type Data, type Tensor } from '../tensor/tensor.js';
import { col2im, convGeometry, im2col, type ConvGeometry } from './im2col.js';
import { param, type Layer, type Param } from './layer.js';

export interface ConvolutionOptions {
  stride?: number;
  pad?: number;
}

/** Inference processes images in blocks whose im2col stays about this many values. */
const BLOCK_VALUES = 1 << 20;

export class Convolution implements Layer {
  readonly name: string;
  readonly W: Param;
  readonly b: Param;
  readonly stride: number;
  readonly pad: number;
  private geometry: ConvGeometry | undefined;
  private x: Tensor | undefined;
  /** im2col of the last training-mode input, kept for ∂L/∂W. */
  private col: Tensor | undefined;
  private colFor: Tensor | undefined;
  private outT: Tensor | undefined;
  private out: Tensor | undefined;
  private doutT: Tensor | undefined;
  private dcol: Tensor | undefined;
  private dx: Tensor | undefined;

  constructor(W: Tensor, b: Tensor, options: ConvolutionOptions = {}, name = 'Convolution') {
    const { stride = 1, pad = 0 } = options;
    if (W.shape.length !== 4 || b.size !== W.shape[0]) {
      throw new Error(`${name}: W must be FN×C×FH×FW and b of length FN, got W [${W.shape.join(', ')}], b [${b.shape.join(', ')}]`);
    }
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`${name}: stride must be a positive integer, got ${stride}`);
    if (!Number.isInteger(pad) || pad < 0) throw new Error(`${name}: pad must be a non-negative integer, got ${pad}`);
    this.name = name;
    this.W = param('W', W);
    this.b = param('b', b);
    this.stride = stride;
    this.pad = pad;
  }

  get filters(): number {
    return this.W.value.shape[0]!;
  }

  /** Output shape (without the batch dimension) for an input of shape C×H×W. */
  outputShape(inputShape: readonly number[]): number[] {
    const g = this.geometryFor(inputShape);
    return [this.filters, g.outHeight, g.outWidth];
  }

  forward(x: Tensor, training: boolean): Tensor {
    if (x.shape.length !== 4) throw new Error(`${this.name}: expected N×C×H×W input, got [${x.shape.join(', ')}]`);
    const g = this.geometryFor(x.shape.slice(1));
    const N = x.shape[0]!;
    const FN = this.filters;
    const positions = g.outHeight * g.outWidth;
    const width = g.channels * g.filterHeight * g.filterWidth;
    const imageSize = g.channels * g.height * g.width;
    this.x = x;
    const out = (this.out = reuse(this.out, [N, FN, g.outHeight, g.outWidth], x.dtype));
    // Training keeps the whole batch's col for backward; inference needs it only briefly.
    const block = training ? Math.max(N, 1) : Math.max(1, Math.min(N, Math.floor(BLOCK_VALUES / (positions * width))));
    for (let start = 0; start < N; start += block) {
      const images = Math.min(block, N - start);
      const columns = images * positions;
      const col = (this.col = reuse(this.col, [width, columns], x.dtype));
      const outT = (this.outT = reuse(this.outT, [FN, columns], x.dtype));
      im2col(x.data.subarray(start * imageSize, (start + images) * imageSize), images, g, col.data);
      const b = this.b.value.data;
      for (let f = 0; f < FN; f++) outT.data.fill(b[f]!, f * columns, (f + 1) * columns);
      kernels().gemm(this.W.value.data, col.data, outT.data, FN, columns, width, { beta: 1 });
      filtersToImages(outT.data, out.data.subarray(start * FN * positions), images, positions, FN);
    }
    this.colFor = training ? x : undefined;
    return out;
  }

  backward(dout: Tensor, needInputGradient = true): Tensor | undefined {
    const x = this.x;
    const g = this.geometry;
    const col = this.col;
    if (!x || !g || !col || this.colFor !== x) throw new Error(`${this.name}: backward needs a training-mode forward first`);
    const N = x.shape[0]!;
    const FN = this.filters;
    const width = g.channels * g.filterHeight * g.filterWidth;
    const columns = N * g.outHeight * g.outWidth;
    const k = kernels();
    const doutT = (this.doutT = reuse(this.doutT, [FN, columns], dout.dtype));
    imagesToFilters(dout.data, doutT.data, this.b.grad.data, N, g.outHeight * g.outWidth, FN);
    k.gemm(doutT.data, col.data, this.W.grad.data, FN, width, columns, { transB: true });
    if (!needInputGradient) return undefined;
    const dcol = (this.dcol = reuse(this.dcol, [width, columns], dout.dtype));
    k.gemm(this.W.value.data, doutT.data, dcol.data, width, columns, FN, { transA: true });
    const dx = (this.dx = reuse(this.dx, x.shape, x.dtype));
    col2im(dcol.data, N, g, dx.data);
    return dx;
  }

  params(): Param[] {
    return [this.W, this.b];
  }

  private geometryFor(inputShape: readonly number[]): ConvGeometry {
    const [FN, C, FH, FW] = this.W.value.shape as [number, number, number, number];
    const [channels, height, width] = inputShape as [number, number, number];
    if (inputShape.length !== 3 || channels !== C) {
      throw new Error(`${this.name}: ${FN} filters of ${C}×${FH}×${FW} need a ${C}×H×W input, got [${inputShape.join(', ')}]`);
    }
    const g = this.geometry;
    if (g && g.height === height && g.width === width) return g;
    return (this.geometry = convGeometry({ channels, height, width }, { height: FH, width: FW }, this.stride, this.pad));
  }
}

/** out[n, f, :] = outT[f, n·P … n·P + P): contiguous runs of P positions. */
function filtersToImages(outT: Data, out: Data, images: number, positions: number, filters: number): void {
  const columns = images * positions;
  for (let n = 0; n < images; n++) {
    for (let f = 0; f < filters; f++) {
      const from = f * columns + n * positions;
      out.set(outT.subarray(from, from + positions), (n * filters + f) * positions);
    }
  }
}

/** doutT[f, n·P + p] = dout[n, f, p], and db[f] = Σ_{n,p} dout[n, f, p]. */
function imagesToFilters(dout: Data, doutT: Data, db: Data, images: number, positions: number, filters: number): void {
  const columns = images * positions;
  for (let n = 0; n < images; n++) {
    for (let f = 0; f < filters; f++) {
      const from = (n * filters + f) * positions;
      doutT.set(dout.subarray(from, from + positions), f * columns + n * positions);
    }
  }
  for (let f = 0; f < filters; f++) {
    let sum = 0;
    for (let i = f * columns; i < (f + 1) * columns; i++) sum += doutT[i]!;
    db[f] = sum;
  }
}
