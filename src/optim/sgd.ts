// SGD:  W ← W − lr · ∂L/∂W

import type { Param } from '../layers/layer.js';
import { kernels } from '../tensor/kernels/kernels.js';
import type { Optimizer } from './optimizer.js';

export class SGD implements Optimizer {
  readonly name = 'sgd';

  constructor(readonly lr = 0.01) {}

  update(params: readonly Param[]): void {
    const k = kernels();
    for (const p of params) k.axpy(-this.lr, p.grad.data, p.value.data);
  }
}
