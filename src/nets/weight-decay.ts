// L2 weight decay, as the book adds it: over the weight matrices and filters W1, W2, …
// (not biases, not BatchNorm's gamma and beta)
//   loss += ½ · λ · Σ_W Σ W²        ∂/∂W += λ · W

import type { Param } from '../layers/layer.js';
import { kernels } from '../tensor/kernels/kernels.js';

/** Weight matrices and filters: the parameters LayerNet names W1, W2, … */
export function isWeight(p: Param): boolean {
  return /^W\d+$/.test(p.name);
}

export function weightDecayLoss(params: readonly Param[], lambda: number): number {
  if (lambda === 0) return 0;
  let sum = 0;
  for (const p of params) {
    if (!isWeight(p)) continue;
    const w = p.value.data;
    for (let i = 0; i < w.length; i++) sum += w[i]! * w[i]!;
  }
  return 0.5 * lambda * sum;
}

export function addWeightDecayGradient(params: readonly Param[], lambda: number): void {
  if (lambda === 0) return;
  const k = kernels();
  for (const p of params) if (isWeight(p)) k.axpy(lambda, p.value.data, p.grad.data);
}
