// Max pooling over FH×FW windows of each channel, stride S, padding P:
//   out[n, c, oy, ox] = max_{fy,fx} x[n, c, oy·S + fy − P, ox·S + fx − P]
//   ∂L/∂x[argmax] += dout   (every other input of the window gets nothing)
// This is the book's im2col formulation (one window per im2col row, the max of each row)
// without materializing col: the kernels visit the same windows and read x directly.
// Forward keeps, as the book's arg_max, where each maximum sat (a byte per output: its cell
// in the window), and backward reads that instead of x. Padding cells are skipped (never the
// maximum), as ONNX MaxPool defines them.

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
    if (x.shape.length !== 4) throw new Error(`${this.name}: expected N×C×H×W input, got [${x.shape.join(', ')}]`);
    const g = this.geometryFor(x.shape.slice(1));
    const out = (this.out = reuse(this.out, [x.shape[0]!, g.channels, g.outHeight, g.outWidth], x.dtype));
    if (this.argmax.length !== out.size) this.argmax = allocateBytes(out.size);
    kernels().maxPoolForward(x.data, out.data, this.argmax, x.shape[0]! * g.channels, g);
    this.inputShape = x.shape;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const shape = this.inputShape;
    if (!shape) throw new Error(`${this.name}: backward before forward`);
    const g = this.geometryFor(shape.slice(1));
    const dx = (this.dx = reuse(this.dx, shape, dout.dtype));
    kernels().maxPoolBackward(this.argmax, dout.data, dx.data, shape[0]! * g.channels, g);
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
