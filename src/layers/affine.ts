// Affine (fully connected):  out = x · W + b
//   ∂L/∂W = xᵀ · dout     ∂L/∂b = Σ_rows dout     ∂L/∂x = dout · Wᵀ
// Accepts N-D input (N×C×H×W …): it is flattened to N×D, and ∂L/∂x gets x's shape back.

import { kernels } from '../tensor/kernels/kernels.js';
import { reuse, type Tensor } from '../tensor/tensor.js';
import { param, type Layer, type Param } from './layer.js';

export class Affine implements Layer {
  readonly name: string;
  readonly W: Param;
  readonly b: Param;
  private x: Tensor | undefined;
  private out: Tensor | undefined;
  private dx: Tensor | undefined;

  constructor(W: Tensor, b: Tensor, name = 'Affine') {
    if (W.shape.length !== 2 || b.size !== W.shape[1]) {
      throw new Error(`${name}: W must be D×M and b of length M, got W [${W.shape.join(', ')}], b [${b.shape.join(', ')}]`);
    }
    this.name = name;
    this.W = param('W', W);
    this.b = param('b', b);
  }

  get inputSize(): number {
    return this.W.value.shape[0]!;
  }

  get outputSize(): number {
    return this.W.value.shape[1]!;
  }

  forward(x: Tensor, _training = false): Tensor {
    const rows = x.rows;
    const D = this.inputSize;
    const M = this.outputSize;
    if (x.cols !== D) throw new Error(`${this.name}: expected ${D} features per row, got ${x.cols}`);
    this.x = x;
    const out = (this.out = reuse(this.out, [rows, M], x.dtype));
    const k = kernels();
    k.gemm(x.data, this.W.value.data, out.data, rows, M, D);
    k.addBias(out.data, this.b.value.data, out.data, rows, M);
    return out;
  }

  backward(dout: Tensor, needInputGradient = true): Tensor | undefined {
    const x = this.x;
    if (!x) throw new Error(`${this.name}: backward before forward`);
    const rows = x.rows;
    const D = this.inputSize;
    const M = this.outputSize;
    const k = kernels();
    k.gemm(x.data, dout.data, this.W.grad.data, D, M, rows, { transA: true });
    k.sumRows(dout.data, this.b.grad.data, rows, M);
    if (!needInputGradient) return undefined;
    const dx = (this.dx = reuse(this.dx, x.shape, x.dtype));
    k.gemm(dout.data, this.W.value.data, dx.data, rows, D, M, { transB: true });
    return dx;
  }

  params(): Param[] {
    return [this.W, this.b];
  }
}
