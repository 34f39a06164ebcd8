// The `cnn` model: convolution blocks, then one hidden Affine layer, then the output layer.
//   for each block: Convolution → [BatchNorm] → max Pooling 2×2 → Relu
//   then Affine hidden → Relu → [Dropout] → Affine classes → SoftmaxWithLoss
// The defaults are the CLI's `--model cnn`: 16 then 32 filters of 3×3 (pad 1, so pooling
// halves 28 → 14 → 7), Affine 100, dropout 0.5: small enough to train in a few minutes on
// two cores, deep enough to pass 99% on the MNIST test images.

import { InputError } from '../errors.js';
import type { LayerSpec, ModelSpec } from './spec.js';

export interface ConvBlock {
  filters: number;
  size: number;
  stride?: number;
  pad?: number;
}

export interface ConvNetSpecOptions {
  inputShape?: readonly [number, number, number];
  blocks?: readonly ConvBlock[];
  hiddenSize?: number;
  outputSize?: number;
  batchNorm?: boolean;
  /** Dropout ratio after the hidden Affine layer's Relu (default 0.5); 0 = none. */
  dropout?: number;
}

export const DEFAULT_CONV_BLOCKS: readonly ConvBlock[] = [
  { filters: 16, size: 3, pad: 1 },
  { filters: 32, size: 3, pad: 1 },
];

export function convNetSpec(options: ConvNetSpecOptions = {}): ModelSpec {
  const { inputShape = [1, 28, 28], blocks = DEFAULT_CONV_BLOCKS, hiddenSize = 100, outputSize = 10, batchNorm = false, dropout = 0.5 } = options;
  if (!(dropout >= 0 && dropout < 1)) throw new InputError(`cnn: dropout ratio must be in [0, 1), got ${dropout}`);
  const layers: LayerSpec[] = [];
  for (const { filters, size, stride = 1, pad = 0 } of blocks) {
    layers.push({ type: 'conv', filters, size, stride, pad });
    if (batchNorm) layers.push({ type: 'batchnorm' });
    // NOTE: pooling before Relu is the same net as Relu before pooling, on a quarter of the
    // values: max(relu(a), relu(b)) = relu(max(a, b)), and both orders send the gradient to the
    // window's first maximum, or nowhere when it is ≤ 0 (Relu passes no gradient there).
    layers.push({ type: 'maxpool', size: 2, stride: 2 }, { type: 'relu' });
  }
  layers.push({ type: 'affine', units: hiddenSize }, { type: 'relu' });
  if (dropout > 0) layers.push({ type: 'dropout', ratio: dropout });
  layers.push({ type: 'affine', units: outputSize });
  return { kind: 'cnn', inputShape, layers };
}
