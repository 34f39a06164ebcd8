// Nesterov's accelerated gradient, in the book's form (defaults lr 0.01, momentum 0.9):
//   v ← α·v − lr · ∂L/∂W
//   W ← W + α²·v − (1 + α) · lr · ∂L/∂W
// (the momentum step taken from the look-ahead point W + α·v, rewritten so only W is stored)

import type { Param } from '../layers/layer.js';
import { SlotOptimizer } from './optimizer.js';

export class Nesterov extends SlotOptimizer {
  readonly name = 'nesterov';

  constructor(
    public lr = 0.01,
    readonly momentum = 0.9,
  ) {
    super('nesterov', ['v']);
  }

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const { lr, momentum } = this;
    const gradScale = (1 + momentum) * lr;
    const velocityScale = momentum * momentum;
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const v = this.slots.get('v', p).data;
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        w[i]! += velocityScale * v[i]! - gradScale * g[i]!;
      }
    }
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr, momentum: this.momentum };
  }
}
