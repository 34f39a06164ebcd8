// The book's TwoLayerNet (chapter 5): Affine → Relu → Affine → SoftmaxWithLoss,
// W ~ std · N(0, 1), b = 0. Parameters W1, b1, W2, b2.

import { Affine } from '../layers/affine.js';
import { Relu } from '../layers/relu.js';
import { Rng } from '../tensor/rng.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { LayerNet } from './layer-net.js';

export interface TwoLayerNetOptions {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  weightInitStd?: number;
  dtype?: DType;
  /** Source of the initial weights; a seeded Rng makes the net reproducible. */
  rng?: Rng;
}

export class TwoLayerNet extends LayerNet {
  readonly options: Required<Omit<TwoLayerNetOptions, 'rng'>>;

  constructor(options: TwoLayerNetOptions) {
    const { inputSize, hiddenSize, outputSize, weightInitStd = 0.01, dtype = 'float32' } = options;
    for (const [name, value] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`TwoLayerNet: ${name} must be a positive integer, got ${value}`);
    }
    const rng = options.rng ?? new Rng(Date.now());
    const W1 = Tensor.zeros([inputSize, hiddenSize], dtype);
    const W2 = Tensor.zeros([hiddenSize, outputSize], dtype);
    rng.fillNormal(W1.data, weightInitStd);
    rng.fillNormal(W2.data, weightInitStd);
    super([
      new Affine(W1, Tensor.zeros([hiddenSize], dtype), 'Affine1'),
      new Relu(),
      new Affine(W2, Tensor.zeros([outputSize], dtype), 'Affine2'),
    ]);
    this.options = { inputSize, hiddenSize, outputSize, weightInitStd, dtype };
  }
}
