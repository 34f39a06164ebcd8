// The portable backend: plain TypeScript, float32 or float64. Its GEMM is js-gemm.ts, its
// convolution and pooling js-conv.ts.

import { argmaxRow, softmaxRow } from '../rows.js';
import type { Data } from '../tensor.js';
import { convBackwardJs, convForwardJs } from './js-conv.js';
import { batchNormBackwardJs, batchNormForwardJs } from './js-batch-norm.js';
import { convPoolBackwardJs, convPoolForwardJs, maxPoolBackwardJs, maxPoolForwardJs } from './js-pool.js';
import { gemmJs } from './js-gemm.js';
import type { Kernels, LabelIndices } from './kernel-interface.js';
import { bytesToUnit } from './pixels.js';

export function createJsKernels(): Kernels {
  const backend: Kernels = {
    name: 'js',
    sparseInputs: true,

    gemm(a, b, c, m, n, k, options) {
      gemmJs(a, b, c, m, n, k, options, backend.sparseInputs);
    },

    addBias(x, bias, out, rows, cols) {
      for (let i = 0; i < rows; i++) {
        const row = i * cols;
        for (let j = 0; j < cols; j++) out[row + j] = x[row + j]! + bias[j]!;
      }
    },

    sumRows(x, out, rows, cols) {
      out.fill(0, 0, cols);
      for (let i = 0; i < rows; i++) {
        const row = i * cols;
        for (let j = 0; j < cols; j++) out[j]! += x[row + j]!;
      }
    },

    relu(x, out) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        // NOTE: not Math.max(v, 0), which keeps a NaN: a NaN becomes 0 here, as in the wasm kernel.
        out[i] = v > 0 ? v : 0;
      }
    },

    reluBackward(dout, y, dx) {
      for (let i = 0; i < dout.length; i++) dx[i] = y[i]! > 0 ? dout[i]! : 0;
    },

    softmaxCrossEntropy(logits, labels, probs, rows, cols) {
      let loss = 0;
      // −log p_label = log Σ exp(x) − x_label: exact even when p underflows.
      for (let i = 0; i < rows; i++) loss += softmaxRow(logits, probs, i * cols, cols) - logits[i * cols + labels[i]!]!;
      return loss;
    },

    softmaxCrossEntropyBackward(probs, labels, dx, rows, cols, scale) {
      for (let i = 0; i < rows; i++) {
        const row = i * cols;
        for (let j = 0; j < cols; j++) dx[row + j] = scale * probs[row + j]!;
        dx[row + labels[i]!]! -= scale;
      }
    },

    axpy(alpha, x, y) {
      for (let i = 0; i < x.length; i++) y[i]! += alpha * x[i]!;
    },

    countCorrect(scores, labels, rows, cols) {
      return countCorrectJs(scores, labels, rows, cols);
    },

    gatherRows(src, rows, dst, width) {
      for (let b = 0; b < rows.length; b++) {
        const row = rows[b]!;
        dst.set(src.subarray(row * width, (row + 1) * width), b * width);
      }
    },

    gatherPixelRows(src, rows, dst, width) {
      for (let b = 0; b < rows.length; b++) {
        const row = rows[b]!;
        if (!(row >= 0 && (row + 1) * width <= src.length)) throw new Error(`gatherPixelRows: row ${row} is outside 0..${Math.floor(src.length / width) - 1}`);
        bytesToUnit(src.subarray(row * width, (row + 1) * width), dst, b * width);
      }
    },

    convForward: convForwardJs,
    convBackward: convBackwardJs,
    batchNormForward: batchNormForwardJs,
    batchNormBackward: batchNormBackwardJs,
    convPoolForward: convPoolForwardJs,
    convPoolBackward: convPoolBackwardJs,
    maxPoolForward: maxPoolForwardJs,
    maxPoolBackward: maxPoolBackwardJs,

    adamUpdate(w, g, m, v, beta1, beta2, lrT, epsilon) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        m[i]! += (1 - beta1) * (gi - m[i]!);
        v[i]! += (1 - beta2) * (gi * gi - v[i]!);
        w[i]! -= (lrT * m[i]!) / (Math.sqrt(v[i]!) + epsilon);
      }
    },
  };
  return backend;
}

export function countCorrectJs(scores: Data, labels: LabelIndices, rows: number, cols: number): number {
  let correct = 0;
  for (let i = 0; i < rows; i++) if (argmaxRow(scores, i * cols, cols) === labels[i]) correct++;
  return correct;
}
