// A network as the book builds it: a list of layers, then SoftmaxWithLoss.
//   predict: x → layers → scores      loss: softmax cross-entropy of the scores
//   gradient: one forward pass, then backward through the layers in reverse

import type { Layer, Param } from '../layers/layer.js';
import { SoftmaxWithLoss, type Labels } from '../layers/softmax-with-loss.js';
import { kernels, type LabelIndices } from '../tensor/kernels/kernels.js';
import { Tensor } from '../tensor/tensor.js';

export class LayerNet {
  readonly layers: Layer[];
  readonly lastLayer = new SoftmaxWithLoss();
  private named: Param[] | undefined;

  constructor(layers: Layer[]) {
    this.layers = layers;
  }

  /**
   * Parameters with the book's names: the i-th layer that has parameters contributes
   * its own names suffixed with i (W1, b1, W2, b2 …).
   */
  params(): Param[] {
    if (!this.named) {
      const named: Param[] = [];
      let index = 0;
      for (const layer of this.layers) {
        const own = layer.params();
        if (own.length === 0) continue;
        index++;
        for (const p of own) named.push({ name: `${p.name}${index}`, value: p.value, grad: p.grad });
      }
      this.named = named;
    }
    return this.named;
  }

  /** Parameter values by name: { W1, b1, … }. */
  get paramValues(): Record<string, Tensor> {
    return Object.fromEntries(this.params().map((p) => [p.name, p.value]));
  }

  /** Scores (logits) for a batch; `training` switches Dropout/BatchNorm to training mode. */
  predict(x: Tensor, training = false): Tensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out, training);
    return out;
  }

  /** Data loss plus any regularization term a subclass adds. */
  loss(x: Tensor, t: Labels, training = false): number {
    return this.lastLayer.forward(this.predict(x, training), t) + this.regularizationLoss();
  }

  /** Extra loss term, e.g. ½λΣW² for weight decay. */
  protected regularizationLoss(): number {
    return 0;
  }

  /** Adds the regularization term's gradient to the parameter gradients. */
  protected addRegularizationGradient(): void {}

  /**
   * Backpropagation: fills every parameter's grad and returns the loss of this forward
   * pass (the book computes that loss with a second forward pass; it is the same number).
   */
  backprop(x: Tensor, t: Labels): number {
    const loss = this.loss(x, t, true);
    let dout: Tensor | undefined = this.lastLayer.backward(1);
    for (let i = this.layers.length - 1; i >= 0 && dout; i--) {
      dout = this.layers[i]!.backward(dout, i > 0);
    }
    this.addRegularizationGradient();
    return loss;
  }

  /** The book's gradient(x, t): gradients by parameter name, by backpropagation. */
  gradient(x: Tensor, t: Labels): Record<string, Tensor> {
    this.backprop(x, t);
    return Object.fromEntries(this.params().map((p) => [p.name, p.grad]));
  }

  /**
   * The book's numerical_gradient: central differences (L(w + h) − L(w − h)) / 2h for
   * every element of every parameter. Slow by design; use float64 and small inputs.
   */
  numericalGradient(x: Tensor, t: Labels, h = 1e-4, training = false): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    for (const p of this.params()) {
      const w = p.value.data;
      const g = Tensor.zeros(p.value.shape, p.value.dtype);
      for (let i = 0; i < w.length; i++) {
        const saved = w[i]!;
        w[i] = saved + h;
        const plus = this.loss(x, t, training);
        w[i] = saved - h;
        const minus = this.loss(x, t, training);
        w[i] = saved;
        g.data[i] = (plus - minus) / (2 * h);
      }
      grads[p.name] = g;
    }
    return grads;
  }

  /** Fraction of rows whose highest score is the label, in chunks of `chunkRows` rows. */
  accuracy(x: Tensor, t: Labels, chunkRows = 10000): number {
    const labels = t instanceof Tensor ? argmaxRows(t) : t;
    const rows = x.rows;
    if (labels.length !== rows) throw new Error(`accuracy: ${labels.length} labels for ${rows} rows`);
    if (rows === 0) return 0;
    let correct = 0;
    for (let start = 0; start < rows; start += chunkRows) {
      const end = Math.min(rows, start + chunkRows);
      const scores = this.predict(x.sliceRows(start, end));
      correct += kernels().countCorrect(scores.data, labels.subarray(start, end), end - start, scores.cols);
    }
    return correct / rows;
  }
}

/** Index of the largest value in each row (one-hot targets → class indices). */
export function argmaxRows(t: Tensor): Int32Array {
  const rows = t.rows;
  const cols = t.cols;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (t.data[i * cols + j]! > t.data[i * cols + best]!) best = j;
    out[i] = best;
  }
  return out;
}

export type { LabelIndices };
