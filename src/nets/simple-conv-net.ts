// The book's SimpleConvNet (chapter 7):
//   Convolution (30 filters 5×5, stride 1, pad 0) → Relu → max Pooling 2×2 (stride 2)
//   → Affine 100 → Relu → Affine 10 → SoftmaxWithLoss
// Parameters W1, b1 (filters 30×C×5×5), W2, b2, W3, b3; W ~ 0.01·N(0, 1) unless `init` says otherwise.

import type { Rng } from '../tensor/rng.js';
import type { DType } from '../tensor/tensor.js';
import { buildNet, SpecNet, type Init, type ModelSpec } from './spec.js';

export interface SimpleConvSpecOptions {
  /** One example: channels × height × width. */
  inputShape?: readonly [number, number, number];
  filters?: number;
  filterSize?: number;
  stride?: number;
  pad?: number;
  hiddenSize?: number;
  outputSize?: number;
}

export interface SimpleConvNetOptions extends SimpleConvSpecOptions {
  init?: Init;
  weightDecay?: number;
  dtype?: DType;
  rng?: Rng;
}

export function simpleConvSpec(options: SimpleConvSpecOptions = {}): ModelSpec {
  const { inputShape = [1, 28, 28], filters = 30, filterSize = 5, stride = 1, pad = 0, hiddenSize = 100, outputSize = 10 } = options;
  return {
    kind: 'simple-cnn',
    inputShape,
    layers: [
      { type: 'conv', filters, size: filterSize, stride, pad },
      { type: 'relu' },
      { type: 'maxpool', size: 2, stride: 2 },
      { type: 'affine', units: hiddenSize },
      { type: 'relu' },
      { type: 'affine', units: outputSize },
    ],
  };
}

export class SimpleConvNet extends SpecNet {
  constructor(options: SimpleConvNetOptions = {}) {
    const spec = simpleConvSpec(options);
    const built = buildNet(spec, { rng: options.rng, dtype: options.dtype ?? 'float32', init: options.init ?? 0.01 });
    super(spec, built.layers);
    this.weightDecay = options.weightDecay ?? 0;
  }
}
