// Max pooling over FH×FW windows of each channel, stride S, padding P:
//   out[n, c, oy, ox] = max_{fy,fx} x[n, c, oy·S + fy − P, ox·S + fx − P]
//   ∂L/∂x[argmax] += dout   (every other input of the window gets nothing)
// This is the book's im2col formulation (one window per im2col row, the max of each row)
// without materializing col: the kernels visit the same windows and read x directly.
// Forward keeps, as the book's arg_max, where each maximum sat (a byte per output: its cell
// in the window), and backward reads that instead of x. Padding cells are skipped (never the
// maximum), as ONNX MaxPool defines them.
// A net runs a Pooling and the Relu right after it as one pass, forwardRelu (see
// src/nets/fused-steps.ts): relu(max) = max(0, max), and backward then passes dout only
// where that output is > 0, as the Relu's backward would.

import { convGeometry, type ConvGeometry } from '../tensor/kernels/im2col.js';
import { kernels } from '../tensor/kernels/kernels.js';
import { allocateBytes, reuse, type Tensor } from '../tensor/tensor.js';
import { MAX_POOL_WINDOW_CELLS } from '../tensor/kernels/js-pool.js';
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
  /** The last forward's input shape, and where each output's maximum sat in its window. */
  private inputShape: readonly number[] | undefined;
  private argmax: Uint8Array = new Uint8Array(0);
  private out: Tensor | undefined;
  /** Whether the last forward had the Relu fused. */
  private relu = false;
  private dx: Tensor | undefined;

  constructor(options: PoolingOptions, name = 'Pooling') {
    const { size, stride = size, pad = 0 } = options;
    if (!Number.isInteger(size) || size < 1) throw new Error(`${name}: size must be a positive integer, got ${size}`);
    if (size * size > MAX_POOL_WINDOW_CELLS) throw new Error(`${name}: size must be at most ${Math.sqrt(MAX_POOL_WINDOW_CELLS)}, got ${size}`);
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
    return this.pool(x, false);
  }

  /** relu(maxpool(x)) in one pass: this layer and a Relu right after it (backward then does both). */
  forwardRelu(x: Tensor): Tensor {
    return this.pool(x, true);
  }

  backward(dout: Tensor): Tensor {
    const { argmax, geometry: g, y, inputShape } = this.saved();
    const dx = (this.dx = reuse(this.dx, inputShape, dout.dtype));
    kernels().maxPoolBackward(argmax, dout.data, dx.data, inputShape[0]! * g.channels, g, y);
    return dx;
  }

  /**
   * What backward reads, for a kernel that does backward's work in its place (a convolution's
   * backward fused with it): argmax, the geometry, the input's shape, and y, the fused Relu's
   * output (dout passes where y > 0), when forward had the Relu.
   */
  saved(): { argmax: Uint8Array; geometry: ConvGeometry; inputShape: readonly number[]; y: Tensor['data'] | undefined } {
    const inputShape = this.inputShape;
    if (!inputShape) throw new Error(`${this.name}: backward before forward`);
    return { argmax: this.argmax, geometry: this.geometryFor(inputShape.slice(1)), inputShape, y: this.relu ? this.out?.data : undefined };
  }

  params(): Param[] {
    return [];
  }

  /**
   * Where a forward of an input of `inputShape` (N×C×H×W) puts its output and argmax, for a
   * kernel that fills them in place of this layer's (a convolution that pools as it goes);
   * backward then works as after forward (relu: forwardRelu).
   */
  outputFor(inputShape: readonly number[], dtype: Tensor['dtype'], relu: boolean): { out: Tensor; argmax: Uint8Array; geometry: ConvGeometry } {
    if (inputShape.length !== 4) throw new Error(`${this.name}: expected N×C×H×W input, got [${inputShape.join(', ')}]`);
    const g = this.geometryFor(inputShape.slice(1));
    const out = (this.out = reuse(this.out, [inputShape[0]!, g.channels, g.outHeight, g.outWidth], dtype));
    if (this.argmax.length !== out.size) this.argmax = allocateBytes(out.size);
    this.inputShape = inputShape;
    this.relu = relu;
    return { out, argmax: this.argmax, geometry: g };
  }

  private pool(x: Tensor, relu: boolean): Tensor {
    const { out, argmax, geometry: g } = this.outputFor(x.shape, x.dtype, relu);
    kernels().maxPoolForward(x.data, out.data, argmax, x.shape[0]! * g.channels, g, relu);
    return out;
  }

  private geometryFor(inputShape: readonly number[]): ConvGeometry {
    if (inputShape.length !== 3) throw new Error(`${this.name}: expected a C×H×W input, got [${inputShape.join(', ')}]`);
    const [channels, height, width] = inputShape as [number, number, number];
    const g = this.geometry;
    if (g && g.channels === channels && g.height === height && g.width === width) return g;
    return (this.geometry = convGeometry({ channels, height, width }, { height: this.size, width: this.size }, this.stride, this.pad));
  }
}
