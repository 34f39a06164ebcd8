// Batch normalization, per feature of an N×D input or per channel of an N×C×H×W input
// (statistics over the M = N·H·W values of each channel):
//   training:   μ = mean(x),  σ² = mean((x − μ)²),  x̂ = (x − μ) / √(σ² + ε),  out = γ·x̂ + β
//               running ← momentum·running + (1 − momentum)·batch   (for μ and σ²)
//   inference:  x̂ = (x − running μ) / √(running σ² + ε)
//   ∂L/∂β = Σ dout    ∂L/∂γ = Σ dout·x̂
//   ∂L/∂x = γ / (M·√(σ² + ε)) · (M·dout − Σ dout − x̂ · Σ dout·x̂)   (training mode)
// NOTE: in training mode μ and σ² depend on every x of the batch; the last formula carries
// those paths. An inference-mode forward makes them constants: ∂L/∂x = γ·dout/√(σ² + ε).
// ε is the book's 10e-7; the running variance starts at 1 (the book starts it at 0).

import { kernels } from '../tensor/kernels/kernels.js';
import { reuse, Tensor } from '../tensor/tensor.js';
import { param, type Layer, type NamedTensor, type Param } from './layer.js';

export const BATCH_NORM_EPSILON = 10e-7;

export class BatchNorm implements Layer {
  readonly name: string;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly momentum: number;
  readonly epsilon = BATCH_NORM_EPSILON;
  private xn: Tensor | undefined;
  private out: Tensor | undefined;
  private dx: Tensor | undefined;
  /** 1/√(σ² + ε) per channel, of the last forward pass (batch or running statistics). */
  private invStd = new Float64Array(0);
  private mean = new Float64Array(0);
  private variance = new Float64Array(0);
  private trainingForward = false;

  constructor(gamma: Tensor, beta: Tensor, momentum = 0.9, name = 'BatchNorm') {
    if (gamma.shape.length !== 1 || beta.size !== gamma.size) {
      throw new Error(`${name}: gamma and beta must be vectors of one length, got [${gamma.shape.join(', ')}] and [${beta.shape.join(', ')}]`);
    }
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1], got ${momentum}`);
    this.name = name;
    this.gamma = param('gamma', gamma);
    this.beta = param('beta', beta);
    this.momentum = momentum;
    this.runningMean = Tensor.zeros(gamma.shape, gamma.dtype);
    this.runningVar = Tensor.zeros(gamma.shape, gamma.dtype);
    this.runningVar.data.fill(1);
  }

  get channels(): number {
    return this.gamma.value.size;
  }

  forward(x: Tensor, training: boolean): Tensor {
    const C = this.channels;
    if ((x.shape.length !== 2 && x.shape.length !== 4) || x.shape[1] !== C) {
      throw new Error(`${this.name}: expected N×${C} or N×${C}×H×W input, got [${x.shape.join(', ')}]`);
    }
    const N = x.shape[0]!;
    const spatial = x.size / Math.max(N * C, 1);
    if (training && N * spatial === 0) throw new Error(`${this.name}: a training batch cannot be empty`);
    if (this.mean.length !== C) {
      this.mean = new Float64Array(C);
      this.invStd = new Float64Array(C);
      this.variance = new Float64Array(C);
    }
    const { mean, invStd, variance } = this;
    if (!training) {
      for (let c = 0; c < C; c++) {
        mean[c] = this.runningMean.data[c]!;
        invStd[c] = 1 / Math.sqrt(this.runningVar.data[c]! + this.epsilon);
      }
    }
    this.trainingForward = training;
    const xn = (this.xn = reuse(this.xn, x.shape, x.dtype));
    const out = (this.out = reuse(this.out, x.shape, x.dtype));
    // μ, σ² (training) and xn, out: one kernel call (src/tensor/kernels/js-batch-norm.ts)
    kernels().batchNormForward(x.data, xn.data, out.data, this.gamma.value.data, this.beta.value.data, mean, invStd, training ? variance : undefined, N, C, spatial, this.epsilon);
    if (training) {
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      const m = this.momentum;
      for (let c = 0; c < C; c++) {
        rm[c] = m * rm[c]! + (1 - m) * mean[c]!;
        rv[c] = m * rv[c]! + (1 - m) * variance[c]!;
      }
    }
    return out;
  }

  backward(dout: Tensor): Tensor {
    const xn = this.xn;
    if (!xn) throw new Error(`${this.name}: backward before forward`);
    const C = this.channels;
    const N = xn.shape[0]!;
    const spatial = xn.size / Math.max(N * C, 1);
    const dx = (this.dx = reuse(this.dx, xn.shape, xn.dtype));
    const { gamma, beta } = this;
    kernels().batchNormBackward(dout.data, xn.data, dx.data, gamma.value.data, this.invStd, gamma.grad.data, beta.grad.data, N, C, spatial, this.trainingForward);
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  /** State that is not trained by gradients but belongs to the model. */
  buffers(): NamedTensor[] {
    return [
      { name: 'runningMean', value: this.runningMean },
      { name: 'runningVar', value: this.runningVar },
    ];
  }
}
