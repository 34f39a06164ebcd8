// The book's TwoLayerNet (chapter 5): Affine → Relu → Affine → SoftmaxWithLoss,
// W ~ std · N(0, 1), b = 0. Parameters W1, b1, W2, b2.

import { InputError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import type { DType } from '../tensor/tensor.js';
import { buildNet, SpecNet, twoLayerSpec } from './spec.js';

export interface TwoLayerNetOptions {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  weightInitStd?: number;
  dtype?: DType;
  /** Source of the initial weights; a seeded Rng makes the net reproducible. */
  rng?: Rng;
}

export class TwoLayerNet extends SpecNet {
  constructor(options: TwoLayerNetOptions) {
    const { inputSize, hiddenSize, outputSize, weightInitStd = 0.01, dtype = 'float32' } = options;
    for (const [name, value] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(value) || value < 1) throw new InputError(`TwoLayerNet: ${name} must be a positive integer, got ${value}`);
    }
    const spec = twoLayerSpec(inputSize, hiddenSize, outputSize);
    super(spec, buildNet(spec, { rng: options.rng, dtype, init: weightInitStd }).layers);
  }
}
