// Dropout, inverted: in training each input is kept with probability 1 − r and scaled up,
//   mask = [u > r] / (1 − r),  u ~ U[0, 1)      out = x · mask      ∂L/∂x = dout · mask
// and inference is the identity. (The book scales at inference instead, out = x·(1 − r);
// both give the same expected activation, and this way the trained net needs no dropout
// layer at all at inference, e.g. in an ONNX export.)

import type { Rng } from '../tensor/rng.js';
import { reuse, type Tensor } from '../tensor/tensor.js';
import type { Layer, Param } from './layer.js';

export class Dropout implements Layer {
  readonly name: string;
  readonly ratio: number;
  /**
   * When set, training-mode passes reuse the last mask instead of drawing a new one
   * (a gradient check needs the same function at every evaluation).
   */
  maskFrozen = false;
  private mask: Tensor | undefined;
  private out: Tensor | undefined;
  private dx: Tensor | undefined;
  private trainingForward = false;

  constructor(
    ratio: number,
    /** The layer's own random stream (a checkpoint saves its state). */
    readonly rng: Rng,
    name = 'Dropout',
  ) {
    if (!(ratio >= 0 && ratio < 1)) throw new Error(`${name}: ratio must be in [0, 1), got ${ratio}`);
    this.name = name;
    this.ratio = ratio;
  }

  forward(x: Tensor, training: boolean): Tensor {
    this.trainingForward = training;
    if (!training) return x;
    const previous = this.mask;
    const mask = (this.mask = reuse(previous, x.shape, x.dtype));
    const frozen = this.maskFrozen && mask === previous;
    const m = mask.data;
    if (!frozen) {
      this.rng.fillChoice(m, this.ratio, 1 / (1 - this.ratio), 0);
    }
    const out = (this.out = reuse(this.out, x.shape, x.dtype));
    const xs = x.data;
    const ys = out.data;
    for (let i = 0; i < ys.length; i++) ys[i] = xs[i]! * m[i]!;
    return out;
  }

  backward(dout: Tensor): Tensor {
    if (!this.trainingForward) return dout;
    const mask = this.mask;
    if (!mask) throw new Error(`${this.name}: backward before forward`);
    const dx = (this.dx = reuse(this.dx, dout.shape, dout.dtype));
    const g = dout.data;
    const m = mask.data;
    const d = dx.data;
    for (let i = 0; i < d.length; i++) d[i] = g[i]! * m[i]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
