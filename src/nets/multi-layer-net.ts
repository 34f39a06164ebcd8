// The book's MultiLayerNet (chapter 6, with MultiLayerNetExtend's options): for each hidden
// size, Affine → [BatchNorm] → Relu|Sigmoid → [Dropout]; then Affine → SoftmaxWithLoss.
// Parameters W1, b1, [gamma1, beta1,] W2, … ; weights drawn by `init` (He for Relu and
// Xavier for Sigmoid unless given); optional L2 weight decay ½λΣW².

import { InputError } from '../errors.js';
import type { Rng } from '../tensor/rng.js';
import type { DType } from '../tensor/tensor.js';
import { buildNet, SpecNet, type Init, type LayerSpec, type ModelSpec } from './spec.js';

export type Activation = 'relu' | 'sigmoid';

export interface MultiLayerSpecOptions {
  inputSize: number;
  hiddenSizes: readonly number[];
  outputSize: number;
  activation?: Activation;
  /** Dropout ratio after each hidden activation; 0 or absent = no dropout. */
  dropout?: number;
  /** BatchNorm between each hidden Affine and its activation. */
  batchNorm?: boolean;
  /** Running-statistics momentum of those BatchNorm layers. */
  batchNormMomentum?: number;
}

export interface MultiLayerNetOptions extends MultiLayerSpecOptions {
  init?: Init;
  weightDecay?: number;
  dtype?: DType;
  rng?: Rng;
}

export function multiLayerSpec(options: MultiLayerSpecOptions): ModelSpec {
  const { inputSize, hiddenSizes, outputSize, activation = 'relu', dropout = 0, batchNorm = false, batchNormMomentum } = options;
  for (const [name, value] of [['input size', inputSize], ['output size', outputSize], ...hiddenSizes.map((h) => ['hidden size', h] as const)] as const) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`MultiLayerNet: ${name} must be a positive integer, got ${value}`);
  }
  if (activation !== 'relu' && activation !== 'sigmoid') throw new InputError(`MultiLayerNet: activation must be relu or sigmoid, got ${activation}`);
  if (!(dropout >= 0 && dropout < 1)) throw new InputError(`MultiLayerNet: dropout ratio must be in [0, 1), got ${dropout}`);
  const layers: LayerSpec[] = [];
  for (const units of hiddenSizes) {
    layers.push({ type: 'affine', units });
    if (batchNorm) layers.push(batchNormMomentum === undefined ? { type: 'batchnorm' } : { type: 'batchnorm', momentum: batchNormMomentum });
    layers.push({ type: activation });
    if (dropout > 0) layers.push({ type: 'dropout', ratio: dropout });
  }
  layers.push({ type: 'affine', units: outputSize });
  return { kind: 'mlp', inputShape: [inputSize], layers };
}

/** The book's default: He for Relu, Xavier for Sigmoid. */
export function defaultInit(activation: Activation = 'relu'): Init {
  return activation === 'sigmoid' ? 'xavier' : 'he';
}

export class MultiLayerNet extends SpecNet {
  constructor(options: MultiLayerNetOptions) {
    const spec = multiLayerSpec(options);
    const built = buildNet(spec, {
      rng: options.rng,
      dtype: options.dtype ?? 'float32',
      init: options.init ?? defaultInit(options.activation),
    });
    super(spec, built.layers);
    this.weightDecay = options.weightDecay ?? 0;
  }
}
