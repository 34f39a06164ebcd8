// The book's gradient check: backprop against central differences, in float64.
// Reports mean |backprop − numerical| per parameter.

import type { Labels } from '../layers/softmax-with-loss.js';
import type { LayerNet } from '../nets/layer-net.js';
import type { Tensor } from '../tensor/tensor.js';

export interface GradcheckRow {
  name: string;
  meanAbsDiff: number;
  maxAbsDiff: number;
  /** max |a − n| / max(|a| + |n|, tiny): a scale-free view of the same difference. */
  maxRelativeDiff: number;
}

/** `onWeight` is called after each weight's numerical derivative (the slow part), for progress. */
export function gradientCheck(net: LayerNet, x: Tensor, t: Labels, h = 1e-4, onWeight?: (done: number, total: number) => void): GradcheckRow[] {
  const numerical = net.numericalGradient(x, t, h, false, onWeight);
  const backprop = net.gradient(x, t);
  return Object.keys(numerical).map((name) => {
    const a = backprop[name]!.data;
    const n = numerical[name]!.data;
    let sum = 0;
    let max = 0;
    let maxRelative = 0;
    for (let i = 0; i < a.length; i++) {
      const diff = Math.abs(a[i]! - n[i]!);
      sum += diff;
      max = Math.max(max, diff);
      maxRelative = Math.max(maxRelative, diff / Math.max(Math.abs(a[i]!) + Math.abs(n[i]!), 1e-12));
    }
    return { name, meanAbsDiff: sum / Math.max(a.length, 1), maxAbsDiff: max, maxRelativeDiff: maxRelative };
  });
}
