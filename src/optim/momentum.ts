// Momentum (the book's defaults: lr 0.01, momentum 0.9):
//   v ← α·v − lr · ∂L/∂W
//   W ← W + v

import type { Param } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import { Slots, type Optimizer } from './optimizer.js';

export class Momentum implements Optimizer {
  readonly name = 'momentum';
  private readonly slots = new Slots('momentum', ['v']);

  constructor(
    public lr = 0.01,
    readonly momentum = 0.9,
  ) {}

  update(params: readonly Param[]): void {
    this.slots.checkNames(params);
    const { lr, momentum } = this;
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const v = this.slots.get('v', p).data;
      for (let i = 0; i < w.length; i++) {
        v[i] = momentum * v[i]! - lr * g[i]!;
        w[i] += v[i]!;
      }
    }
  }

  state(): Record<string, Tensor> {
    return Object.fromEntries(this.slots.entries());
  }

  loadState(state: Record<string, Tensor>): void {
    this.slots.load(state);
  }

  config(): Record<string, string | number> {
    return { optimizer: this.name, lr: this.lr, momentum: this.momentum };
  }
}
