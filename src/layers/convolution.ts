// Convolution (cross-correlation, as in the book) of an N×C×H×W input with FN filters
// W (FN×C×FH×FW) and biases b (FN), stride S, zero padding P:
//   out[n, f, oy, ox] = Σ_{c,fy,fx} W[f, c, fy, fx] · x[n, c, oy·S + fy − P, ox·S + fx − P] + b[f]
// computed as one matrix product over im2col's rows:  outRows = col · Wᵀ  ((N·OH·OW) × FN)
//   ∂L/∂W = doutRowsᵀ · col      ∂L/∂b = Σ_rows doutRows      ∂L/∂x = col2im(doutRows · W)

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
  private outRows: Tensor | undefined;
  private out: Tensor | undefined;
  private doutRows: Tensor | undefined;
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
    const col = (this.col = reuse(this.col, [block * positions, width], x.dtype));
    const outRows = (this.outRows = reuse(this.outRows, [block * positions, FN], x.dtype));
    for (let start = 0; start < N; start += block) {
      const images = Math.min(block, N - start);
      im2col(x.data.subarray(start * imageSize, (start + images) * imageSize), images, g, col.data);
      kernels().gemm(col.data, this.W.value.data, outRows.data, images * positions, FN, width, { transB: true });
      rowsToChannels(outRows.data, this.b.value.data, out.data.subarray(start * FN * positions), images, positions, FN);
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
    const positions = g.outHeight * g.outWidth;
    const width = g.channels * g.filterHeight * g.filterWidth;
    const rows = N * positions;
    const k = kernels();
    const doutRows = (this.doutRows = reuse(this.doutRows, [rows, FN], dout.dtype));
    channelsToRows(dout.data, doutRows.data, N, positions, FN);
    k.sumRows(doutRows.data, this.b.grad.data, rows, FN);
    k.gemm(doutRows.data, col.data, this.W.grad.data, FN, width, rows, { transA: true });
    if (!needInputGradient) return undefined;
    const dcol = (this.dcol = reuse(this.dcol, [rows, width], dout.dtype));
    k.gemm(doutRows.data, this.W.value.data, dcol.data, rows, width, FN);
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

/** out[n, f, p] = rows[n·P + p, f] + b[f]: from im2col's row order back to N×FN×OH×OW. */
function rowsToChannels(rows: Data, b: Data, out: Data, images: number, positions: number, filters: number): void {
  for (let n = 0; n < images; n++) {
    const image = n * filters * positions;
    const from = n * positions * filters;
    for (let f = 0; f < filters; f++) {
      const bias = b[f]!;
      const to = image + f * positions;
      for (let p = 0, r = from + f; p < positions; p++, r += filters) out[to + p] = rows[r]! + bias;
    }
  }
}

/** rows[n·P + p, f] = dout[n, f, p]. */
function channelsToRows(dout: Data, rows: Data, images: number, positions: number, filters: number): void {
  for (let n = 0; n < images; n++) {
    const image = n * filters * positions;
    const to = n * positions * filters;
    for (let f = 0; f < filters; f++) {
      const from = image + f * positions;
      for (let p = 0, r = to + f; p < positions; p++, r += filters) rows[r] = dout[from + p]!;
    }
  }
}
