// Momentum (the book's defaults: lr 0.01, momentum 0.9):
//   v ← α·v − lr · ∂L/∂W
//   W ← W + v

import type { Param } from '../layers/layer.js';
import { SlotOptimizer } from './optimizer.js';

export class Momentum extends SlotOptimizer {
  readonly name = 'momentum';

  constructor(
    public lr = 0.01,
    readonly momentum = 0.9,
  ) {
    super('momentum', ['v']);
  }

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const { lr, momentum } = this;
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const v = this.slots.get('v', p).data;
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        w[i]! += v[i]!;
      }
    }
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr, momentum: this.momentum };
  }
}
