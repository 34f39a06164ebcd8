// A network as the book builds it: a list of layers, then SoftmaxWithLoss.
//   predict: x → layers → scores      loss: softmax cross-entropy of the scores
//   gradient: one forward pass, then backward through the layers in reverse
// Both passes run the layers as steps: a Pooling → Relu pair as one (fused-steps.ts).

import type { Layer, NamedTensor, Param } from '../layers/layer.js';
import { SoftmaxWithLoss, type Labels } from '../layers/softmax-with-loss.js';
import { kernels, type LabelIndices } from '../tensor/kernels/kernels.js';
import { argmaxRow } from '../tensor/rows.js';
import { Tensor } from '../tensor/tensor.js';
import { StepCache } from './fused-steps.js';

export class LayerNet {
  readonly layers: Layer[];
  readonly lastLayer = new SoftmaxWithLoss();
  private named: Param[] | undefined;
  private readonly steps = new StepCache();

  constructor(layers: Layer[]) {
    this.layers = layers;
  }

  /**
   * Parameters with the book's names: each weight layer opens a new index i and names its
   * own parameters with it (W1, b1, W2, b2 …); a layer whose parameter names are new at the
   * current index joins it, so BatchNorm after Affine i gives gamma i, beta i, as the book's
   * MultiLayerNetExtend names them (W1 b1 gamma1 beta1 W2 …).
   */
  params(): Param[] {
    if (!this.named) {
      const indexes = paramIndexes(this.layers);
      this.named = this.layers.flatMap((layer, position) =>
        layer.params().map((p) => ({ name: `${p.name}${indexes[position]}`, value: p.value, grad: p.grad })),
      );
    }
    return this.named;
  }

  /** Untrained model state (BatchNorm's running statistics), named like params: runningMean1 … */
  buffers(): NamedTensor[] {
    const indexes = paramIndexes(this.layers);
    return this.layers.flatMap((layer, position) =>
      (layer.buffers?.() ?? []).map((b) => ({ name: `${b.name}${indexes[position]}`, value: b.value })),
    );
  }

  /** Parameter values by name: { W1, b1, … }. */
  get paramValues(): Record<string, Tensor> {
    return Object.fromEntries(this.params().map((p) => [p.name, p.value]));
  }

  /** Scores (logits) for a batch; `training` switches Dropout/BatchNorm to training mode. */
  predict(x: Tensor, training = false): Tensor {
    let out = x;
    for (const step of this.steps.for(this.layers)) out = step.forward(out, training);
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
    const steps = this.steps.for(this.layers);
    for (let i = steps.length - 1; i >= 0 && dout; i--) {
      dout = steps[i]!.backward(dout, i > 0);
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
  numericalGradient(x: Tensor, t: Labels, h = 1e-4, training = false, onWeight?: (done: number, total: number) => void): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    const params = this.params();
    const total = params.reduce((sum, p) => sum + p.value.data.length, 0);
    let done = 0;
    for (const p of params) {
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
        onWeight?.(++done, total);
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

/**
 * The index each layer's parameters and buffers are named with (0 for a layer that has
 * neither before the first layer with parameters): a new index when the layer's parameter
 * names are already taken at the current one, or when there is no current one yet.
 */
export function paramIndexes(layers: readonly Layer[]): number[] {
  let index = 0;
  let taken = new Set<string>();
  return layers.map((layer) => {
    const names = layer.params().map((p) => p.name);
    if (names.length > 0 && (index === 0 || names.some((name) => taken.has(name)))) {
      index++;
      taken = new Set();
    }
    for (const name of names) taken.add(name);
    return index;
  });
}

/** Index of the largest value in each row (one-hot targets → class indices). */
export function argmaxRows(t: Tensor): Int32Array {
  const rows = t.rows;
  const cols = t.cols;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = argmaxRow(t.data, i * cols, cols);
  return out;
}

export type { LabelIndices };
