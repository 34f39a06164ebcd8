// Relu:  y = max(0, x)      ∂L/∂x = dout · [x > 0]

import { kernels } from '../tensor/kernels/kernels.js';
import { reuse, type Tensor } from '../tensor/tensor.js';
import type { Layer, Param } from './layer.js';

export class Relu implements Layer {
  readonly name = 'Relu';
  private out: Tensor | undefined;
  private dx: Tensor | undefined;

  forward(x: Tensor, _training = false): Tensor {
    const out = (this.out = reuse(this.out, x.shape, x.dtype));
    kernels().relu(x.data, out.data);
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = this.out;
    if (!out) throw new Error('Relu: backward before forward');
    // NOTE: dx gets a buffer of its own. Writing the mask into dout would corrupt the
    // next layer's output buffer, which it keeps and reuses as dout's owner.
    const dx = (this.dx = reuse(this.dx, dout.shape, dout.dtype));
    kernels().reluBackward(dout.data, out.data, dx.data);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
