// SoftmaxWithLoss: y = softmax(x) row-wise, L = −(1/N) Σ_i Σ_j t_ij · log y_ij
//   ∂L/∂x = (y − t) / N
// Labels are class indices (t is one-hot implicitly) or an N×C tensor of targets
// (one-hot or any distribution per row).

import { kernels, type LabelIndices } from '../tensor/kernels/kernels.js';
import { softmaxRow } from '../tensor/rows.js';
import { reuse, Tensor } from '../tensor/tensor.js';

export type Labels = LabelIndices | Tensor;

export class SoftmaxWithLoss {
  readonly name = 'SoftmaxWithLoss';
  private probs: Tensor | undefined;
  private labels: Labels | undefined;
  private dx: Tensor | undefined;

  /** The softmax output of the last forward pass. */
  get output(): Tensor | undefined {
    return this.probs;
  }

  forward(x: Tensor, labels: Labels): number {
    const rows = x.rows;
    const cols = x.cols;
    checkLabels(labels, rows, cols);
    const probs = (this.probs = reuse(this.probs, [rows, cols], x.dtype));
    this.labels = labels;
    if (!(labels instanceof Tensor)) {
      return kernels().softmaxCrossEntropy(x.data, labels, probs.data, rows, cols) / rows;
    }
    // Targets as a distribution: softmax first, then −Σ t · log y with log y taken stably.
    const logits = x.data;
    const p = probs.data;
    const t = labels.data;
    let loss = 0;
    for (let row = 0; row < rows * cols; row += cols) {
      const logSumExp = softmaxRow(logits, p, row, cols);
      for (let j = row; j < row + cols; j++) if (t[j] !== 0) loss -= t[j]! * (logits[j]! - logSumExp);
    }
    return loss / rows;
  }

  backward(dout = 1): Tensor {
    const probs = this.probs;
    const labels = this.labels;
    if (!probs || !labels) throw new Error('SoftmaxWithLoss: backward before forward');
    const rows = probs.rows;
    const cols = probs.cols;
    const dx = (this.dx = reuse(this.dx, probs.shape, probs.dtype));
    const scale = dout / rows;
    if (!(labels instanceof Tensor)) {
      kernels().softmaxCrossEntropyBackward(probs.data, labels, dx.data, rows, cols, scale);
    } else {
      const p = probs.data;
      const t = labels.data;
      const d = dx.data;
      for (let i = 0; i < p.length; i++) d[i] = scale * (p[i]! - t[i]!);
    }
    return dx;
  }
}

function checkLabels(labels: Labels, rows: number, cols: number): void {
  if (labels instanceof Tensor) {
    if (labels.rows !== rows || labels.cols !== cols) {
      throw new Error(`SoftmaxWithLoss: targets of shape [${labels.shape.join(', ')}] do not match scores ${rows}×${cols}`);
    }
    return;
  }
  if (labels.length !== rows) throw new Error(`SoftmaxWithLoss: ${labels.length} labels for ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= cols) throw new Error(`SoftmaxWithLoss: label ${label} at row ${i} is outside 0..${cols - 1}`);
  }
}
