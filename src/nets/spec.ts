// A model described as data (JSON), so it can be written down, saved next to its weights
// and rebuilt. Every net is a list of layers over an input shape, then SoftmaxWithLoss.
//
//   { "kind": "two-layer", "inputShape": [784], "layers": [
//       { "type": "affine", "units": 50 }, { "type": "relu" }, { "type": "affine", "units": 10 } ] }

import { InputError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import type { Labels } from '../layers/softmax-with-loss.js';
import { Rng } from '../tensor/rng.js';
import { sizeOf, Tensor, type DType } from '../tensor/tensor.js';
import { LayerNet } from './layer-net.js';
import type { Init, LayerSpec, LayerType } from './layer-type.js';
import { layerTypes, registerLayer } from './registry.js';
import { addWeightDecayGradient, weightDecayLoss } from './weight-decay.js';

export type { BuildContext, Init, LayerSpec, LayerType, OnnxAttribute, OnnxLayerContext } from './layer-type.js';
export { initStd, intOption } from './layer-options.js';
export { registerLayer };

export interface ModelSpec {
  /** Which family the net came from ('two-layer', 'mlp', 'cnn', 'custom'); informational. */
  readonly kind: string;
  /** Shape of one input example, without the batch dimension: [784] or [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly layers: readonly LayerSpec[];
}

export interface BuildOptions {
  rng?: Rng;
  dtype?: DType;
  init?: Init;
  /** Refuse (InputError) before allocating past this many tensor elements in total. */
  maxElements?: number;
  /** λ of L2 weight decay (see SpecNet.weightDecay). */
  weightDecay?: number;
}

/** Activation values a chunk of the accuracy pass may hold across all layers at once. */
const EVAL_CHUNK_VALUES = 1 << 24;

/** A net whose structure is a ModelSpec. */
export class SpecNet extends LayerNet {
  /** λ of the L2 weight decay ½λΣW² over the weights W1, W2, … (0 = none). */
  weightDecay = 0;
  private valuesPerExample: number | undefined;

  constructor(
    readonly spec: ModelSpec,
    layers: Layer[],
  ) {
    super(layers);
  }

  protected override regularizationLoss(): number {
    return weightDecayLoss(this.params(), this.weightDecay);
  }

  protected override addRegularizationGradient(): void {
    addWeightDecayGradient(this.params(), this.weightDecay);
  }

  /** Accuracy in chunks sized so that all layers' outputs for one chunk stay near 16 M values (at most 10 000 rows). */
  override accuracy(x: Tensor, t: Labels, chunkRows = this.evalChunkRows(x)): number {
    return super.accuracy(x, t, chunkRows);
  }

  private evalChunkRows(x: Tensor): number {
    if (x.rows === 0) return 10000;
    if (this.valuesPerExample === undefined) {
      let out = x.sliceRows(0, 1);
      let values = out.size;
      for (const layer of this.layers) values += (out = layer.forward(out, false)).size;
      this.valuesPerExample = values;
    }
    return Math.max(1, Math.min(10000, Math.floor(EVAL_CHUNK_VALUES / this.valuesPerExample)));
  }
}

export function buildNet(spec: ModelSpec, options: BuildOptions = {}): SpecNet {
  validateSpec(spec);
  // Unseeded when no generator is given: a new net differs each time, as a fresh NumPy one does.
  const rng = options.rng ?? new Rng(Date.now());
  const dtype = options.dtype ?? 'float32';
  const init = options.init ?? 0.01;
  let shape: readonly number[] = spec.inputShape;
  let index = 0;
  let elements = 0;
  const zeros = (tensorShape: readonly number[]): Tensor => {
    elements += sizeOf(tensorShape);
    if (options.maxElements !== undefined && elements > options.maxElements) {
      throw new BudgetError(`needs more than the ${options.maxElements} values available (the file holds fewer weights than its spec describes)`);
    }
    return Tensor.zeros(tensorShape, dtype);
  };
  const layers: Layer[] = [];
  spec.layers.forEach((layerSpec, position) => {
    const layerType = layerTypes.get(layerSpec.type)!;
    let built: ReturnType<LayerType['build']>;
    try {
      built = layerType.build(layerSpec, shape, { rng, dtype, init, index: index + 1, zeros });
    } catch (error) {
      if (error instanceof BudgetError) throw new InputError(`model spec: layer ${position} (${layerSpec.type}) ${error.message}`);
      throw new InputError(`model spec: layer ${position} (${layerSpec.type}): ${(error as Error).message}`);
    }
    if (built.layer.params().length > 0) index++;
    layers.push(built.layer);
    shape = built.outputShape;
  });
  const net = new SpecNet(spec, layers);
  net.weightDecay = options.weightDecay ?? 0;
  return net;
}

class BudgetError extends Error {}

/** Checks a spec read from JSON before anything is built from it. */
export function validateSpec(value: unknown): asserts value is ModelSpec {
  const spec = value as ModelSpec;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError('model spec: must be a JSON object');
  if (typeof spec.kind !== 'string') throw new InputError('model spec: "kind" must be a string');
  if (!Array.isArray(spec.inputShape) || spec.inputShape.length === 0 || !spec.inputShape.every((d) => Number.isInteger(d) && d > 0 && d <= 1 << 20)) {
    throw new InputError('model spec: "inputShape" must be a non-empty list of positive integers');
  }
  if (sizeOf(spec.inputShape) > 1 << 26) throw new InputError('model spec: "inputShape" is absurdly large');
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new InputError('model spec: "layers" must be a non-empty list');
  if (spec.layers.length > 1000) throw new InputError('model spec: more than 1000 layers');
  spec.layers.forEach((layer, position) => {
    if (typeof layer !== 'object' || layer === null || typeof layer.type !== 'string') {
      throw new InputError(`model spec: layer ${position} must be an object with a "type"`);
    }
    if (!layerTypes.has(layer.type)) {
      throw new InputError(`model spec: layer ${position} has unknown type "${layer.type}" (known: ${[...layerTypes.keys()].join(', ')})`);
    }
  });
}

/** The book's TwoLayerNet as a spec. */
export function twoLayerSpec(inputSize: number, hiddenSize: number, outputSize: number): ModelSpec {
  return {
    kind: 'two-layer',
    inputShape: [inputSize],
    layers: [{ type: 'affine', units: hiddenSize }, { type: 'relu' }, { type: 'affine', units: outputSize }],
  };
}
