// Convolution (cross-correlation, as in the book) of an N×C×H×W input with FN filters
// W (FN×C×FH×FW) and biases b (FN), stride S, zero padding P:
//   out[n, f, oy, ox] = Σ_{c,fy,fx} W[f, c, fy, fx] · x[n, c, oy·S + fy − P, ox·S + fx − P] + b[f]
// As a matrix product over im2col's columns (one per output position) for each image:
//   out_n = W · col(x_n) + b     ∂L/∂W = Σ_n dout_n · col(x_n)ᵀ     ∂L/∂b = Σ dout
//   ∂L/∂x_n = col2im(Wᵀ · dout_n)
// The kernels (convForward, convBackward) do the work; see src/tensor/kernels/im2col.ts.
// A net runs a convolution and the max pooling after it as one step (forwardPooled, see
// src/nets/fused-steps.ts): the pooling's kernel reads the convolution's output as it is made.

import { convGeometry, type ConvGeometry } from '../tensor/kernels/im2col.js';
import { kernels, type ConvShape } from '../tensor/kernels/kernels.js';
import { reuse, type Tensor } from '../tensor/tensor.js';
import { param, type Layer, type Param } from './layer.js';
import type { Pooling } from './pooling.js';

export interface ConvolutionOptions {
  stride?: number;
  pad?: number;
}

export class Convolution implements Layer {
  readonly name: string;
  readonly W: Param;
  readonly b: Param;
  readonly stride: number;
  readonly pad: number;
  private geometry: ConvGeometry | undefined;
  private x: Tensor | undefined;
  private shape: ConvShape | undefined;
  private out: Tensor | undefined;
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

  forward(x: Tensor, _training = false): Tensor {
    const shape = this.prepare(x);
    const out = (this.out = reuse(this.out, [shape.images, shape.filters, shape.outHeight, shape.outWidth], x.dtype));
    kernels().convForward(x.data, this.W.value.data, this.b.value.data, out.data, shape);
    return out;
  }

  /**
   * pool.forward(this.forward(x)), or pool.forwardRelu(…) with `relu`, in one kernel call
   * whose convolution output need not be stored. Backward is then backwardPooled (or
   * pool.backward, then this layer's backward, as after the two calls).
   */
  forwardPooled(x: Tensor, pool: Pooling, relu: boolean): Tensor {
    const shape = this.prepare(x);
    const { out, argmax, geometry } = pool.outputFor([shape.images, shape.filters, shape.outHeight, shape.outWidth], x.dtype, relu);
    kernels().convPoolForward(x.data, this.W.value.data, this.b.value.data, out.data, argmax, shape, geometry, relu);
    return out;
  }

  backward(dout: Tensor, needInputGradient = true): Tensor | undefined {
    const x = this.x;
    const shape = this.shape;
    if (!x || !shape) throw new Error(`${this.name}: backward before forward`);
    const dx = needInputGradient ? (this.dx = reuse(this.dx, x.shape, x.dtype)) : undefined;
    kernels().convBackward(x.data, this.W.value.data, dout.data, this.W.grad.data, this.b.grad.data, dx?.data, shape);
    return dx;
  }

  /** this.backward(pool.backward(dpool)) in one kernel call, whose ∂L/∂out need not be stored. */
  backwardPooled(dpool: Tensor, pool: Pooling, needInputGradient = true): Tensor | undefined {
    const x = this.x;
    const shape = this.shape;
    if (!x || !shape) throw new Error(`${this.name}: backward before forward`);
    const { argmax, geometry, y } = pool.saved();
    const dx = needInputGradient ? (this.dx = reuse(this.dx, x.shape, x.dtype)) : undefined;
    kernels().convPoolBackward(x.data, this.W.value.data, dpool.data, argmax, y, this.W.grad.data, this.b.grad.data, dx?.data, shape, geometry);
    return dx;
  }

  params(): Param[] {
    return [this.W, this.b];
  }

  /** Checks x (N×C×H×W) and keeps it, and its shape, for backward. */
  private prepare(x: Tensor): ConvShape {
    if (x.shape.length !== 4) throw new Error(`${this.name}: expected N×C×H×W input, got [${x.shape.join(', ')}]`);
    const g = this.geometryFor(x.shape.slice(1));
    this.x = x;
    return (this.shape = { ...g, images: x.shape[0]!, filters: this.filters });
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
