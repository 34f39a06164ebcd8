// AdaGrad (the book's default lr 0.01):
//   h ← h + (∂L/∂W)²
//   W ← W − lr · ∂L/∂W / (√h + 1e-7)

import type { Param } from '../layers/layer.js';
import { EPSILON, SlotOptimizer } from './optimizer.js';

/** Keeps 1/√h finite while h is still zero. */

export class AdaGrad extends SlotOptimizer {
  readonly name = 'adagrad';

  constructor(public lr = 0.01) {
    super('adagrad', ['h']);
  }

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const lr = this.lr;
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const h = this.slots.get('h', p).data;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        h[i]! += gi * gi;
        w[i]! -= (lr * gi) / (Math.sqrt(h[i]!) + EPSILON);
      }
    }
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr };
  }
}
