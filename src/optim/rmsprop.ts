// RMSprop (the book's defaults: lr 0.01, decay rate ρ 0.99):
//   h ← ρ·h + (1 − ρ)·(∂L/∂W)²
//   W ← W − lr · ∂L/∂W / (√h + 1e-7)

import type { Param } from '../layers/layer.js';
import { EPSILON, SlotOptimizer } from './optimizer.js';

export class RMSprop extends SlotOptimizer {
  readonly name = 'rmsprop';

  constructor(
    public lr = 0.01,
    readonly decayRate = 0.99,
  ) {
    super('rmsprop', ['h']);
  }

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const { lr, decayRate } = this;
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const h = this.slots.get('h', p).data;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        h[i] = decayRate * h[i]! + (1 - decayRate) * gi * gi;
        w[i]! -= (lr * gi) / (Math.sqrt(h[i]!) + EPSILON);
      }
    }
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr, decayRate: this.decayRate };
  }
}
