// Adam (the book's defaults: lr 0.001, β1 0.9, β2 0.999), at step t = 1, 2, …:
//   m ← m + (1 − β1)·(g − m)          v ← v + (1 − β2)·(g² − v)
//   W ← W − lr_t · m / (√v + 1e-7),   lr_t = lr · √(1 − β2^t) / (1 − β1^t)
// lr_t folds the bias correction of m and v (both start at zero) into the step size.

import type { Param } from '../layers/layer.js';
import { kernels } from '../tensor/kernels/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { EPSILON, scalarState, scalarTensor, SlotOptimizer } from './optimizer.js';

export class Adam extends SlotOptimizer {
  readonly name = 'adam';
  /** Steps taken so far. */
  private step = 0;

  constructor(
    public lr = 0.001,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
  ) {
    super('adam', ['m', 'v']);
  }

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const { beta1, beta2 } = this;
    const t = ++this.step;
    const lrT = (this.lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    const k = kernels();
    for (const p of params) {
      k.adamUpdate(p.value.data, p.grad.data, this.slots.get('m', p).data, this.slots.get('v', p).data, beta1, beta2, lrT, EPSILON);
    }
  }

  override state(): Record<string, Tensor> {
    return { ...super.state(), t: scalarTensor(this.step) };
  }

  override loadState(state: Record<string, Tensor>): void {
    const step = scalarState(state, 't', 'adam');
    if (!Number.isInteger(step) || step < 0) throw new Error(`adam: state "t" must be a step count, got ${step}`);
    this.slots.load(state, ['t']);
    this.step = step;
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr, beta1: this.beta1, beta2: this.beta2 };
  }
}
