// What scratchnet knows of a layer type a model spec can name: how to build it (checking
// its options), how to write it as ONNX nodes, and how to describe it in one line. The
// built-in types are the table in layer-types.ts; registerLayer adds more.

import type { Layer } from '../layers/layer.js';
import type { Rng } from '../tensor/rng.js';
import type { DType, Tensor } from '../tensor/tensor.js';

export interface LayerSpec {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** How the weights of a new layer are drawn: N(0, std²); 'xavier' std = √(1/n); 'he' std = √(2/n), n = fan-in. */
export type Init = number | 'xavier' | 'he';

export interface BuildContext {
  readonly rng: Rng;
  readonly dtype: DType;
  readonly init: Init;
  /** Position of this layer among those with parameters, from 1 (names W1, b1 …). */
  readonly index: number;
  /**
   * A zeroed parameter (or state) tensor of the build's dtype. Factories allocate through
   * it so a loader can refuse a spec whose sizes its file cannot back (BuildOptions.maxElements).
   */
  readonly zeros: (shape: readonly number[]) => Tensor;
}

/** An ONNX node attribute, by its ONNX kind. */
export type OnnxAttribute = { name: string; int: number } | { name: string; ints: number[] } | { name: string; float: number };

/** What a layer's ONNX form gets: its input's name and shape (with batch dimension 1). */
export interface OnnxLayerContext {
  readonly layer: Layer;
  readonly spec: LayerSpec;
  readonly input: string;
  readonly inputShape: readonly number[];
  /** The suffix of its tensor names (W1, gamma1 …), as LayerNet.params() names them. */
  readonly index: number;
  /** Name of a tensor of the net (W1, b1 …), registered once as an initializer. */
  tensor(name: string): string;
  /** Adds a node; returns the name of its (first) output. */
  node(opType: string, inputs: string[], attributes?: OnnxAttribute[]): string;
}

export interface LayerType {
  /** Builds the layer for an input of `inputShape` (no batch dimension), refusing bad options; returns it with its output shape. */
  build(spec: LayerSpec, inputShape: readonly number[], context: BuildContext): { layer: Layer; outputShape: number[] };
  /** Adds the ONNX nodes that compute the layer at inference; returns the name of its output. Absent: no ONNX form. */
  onnx?(context: OnnxLayerContext): string;
  /** One line for logs ("conv 16×3² pad 1"); absent: the type's name. */
  describe?(spec: LayerSpec): string;
}
