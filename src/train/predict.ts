// Using a trained net: class probabilities are the softmax of its scores,
//   p_j = exp(s_j − max s) / Σ_k exp(s_k − max s)
// and an answer is the classes ranked by them.

import type { LayerNet } from '../nets/layer-net.js';
import { softmaxRow } from '../tensor/rows.js';
import { Tensor } from '../tensor/tensor.js';

export interface ClassProbability {
  readonly class: number;
  readonly probability: number;
}

/** Row-wise softmax of scores (N×C), stable for large scores. */
export function softmaxRows(scores: Tensor): Tensor {
  const rows = scores.rows;
  const cols = scores.cols;
  const out = Tensor.zeros([rows, cols], scores.dtype);
  for (let row = 0; row < rows * cols; row += cols) softmaxRow(scores.data, out.data, row, cols);
  return out;
}

/** Class probabilities (N×C) for a batch of inputs, in chunks of `chunkRows` rows. */
export function predictProbabilities(net: LayerNet, x: Tensor, chunkRows = 10000): Tensor {
  const rows = x.rows;
  let out: Tensor | undefined;
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    const probabilities = softmaxRows(net.predict(x.sliceRows(start, end)));
    out ??= Tensor.zeros([rows, probabilities.cols], probabilities.dtype);
    out.data.set(probabilities.data, start * probabilities.cols);
  }
  return out ?? Tensor.zeros([0, 0], x.dtype);
}

/** The k most probable classes of each row, most probable first (ties: lower class first). */
export function topClasses(probabilities: Tensor, k = 3): ClassProbability[][] {
  const cols = probabilities.cols;
  const answers: ClassProbability[][] = [];
  for (let i = 0; i < probabilities.rows; i++) {
    const row = Array.from(probabilities.data.subarray(i * cols, (i + 1) * cols), (probability, c) => ({ class: c, probability }));
    row.sort((a, b) => b.probability - a.probability || a.class - b.class);
    answers.push(row.slice(0, Math.min(k, cols)));
  }
  return answers;
}

/**
 * The library's predict: for each input row, the k most probable classes with their
 * probabilities. `x` is N × inputShape (or N × flattened input).
 */
export function predict(net: LayerNet, x: Tensor, k = 3): ClassProbability[][] {
  return topClasses(predictProbabilities(net, x), k);
}
