// SGD:  W ← W − lr · ∂L/∂W

import type { Param } from '../layers/layer.js';
import { kernels } from '../tensor/kernels/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectEmptyState, type Optimizer } from './optimizer.js';

export class SGD implements Optimizer {
  readonly name = 'sgd';

  constructor(public lr = 0.01) {}

  update(params: readonly Param[]): void {
    const k = kernels();
    for (const p of params) k.axpy(-this.lr, p.grad.data, p.value.data);
  }

  state(): Record<string, Tensor> {
    return {};
  }

  loadState(state: Record<string, Tensor>): void {
    expectEmptyState(state, 'sgd');
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr };
  }
}
