// Sigmoid:  y = 1 / (1 + e^(−x))      ∂L/∂x = dout · y · (1 − y)

import { reuse, type Tensor } from '../tensor/tensor.js';
import type { Layer, Param } from './layer.js';

export class Sigmoid implements Layer {
  readonly name = 'Sigmoid';
  private out: Tensor | undefined;
  private dx: Tensor | undefined;

  forward(x: Tensor, _training = false): Tensor {
    const out = (this.out = reuse(this.out, x.shape, x.dtype));
    const xs = x.data;
    const ys = out.data;
    for (let i = 0; i < xs.length; i++) ys[i] = 1 / (1 + Math.exp(-xs[i]!));
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = this.out;
    if (!out) throw new Error('Sigmoid: backward before forward');
    const dx = (this.dx = reuse(this.dx, dout.shape, dout.dtype));
    const ys = out.data;
    const g = dout.data;
    const d = dx.data;
    for (let i = 0; i < g.length; i++) d[i] = g[i]! * ys[i]! * (1 - ys[i]!);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
