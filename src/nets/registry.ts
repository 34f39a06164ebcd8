// The layer types a model spec can name: the built-in table, plus those registered at run time.

import type { LayerSpec, LayerType } from './layer-type.js';
import { BUILT_IN_LAYER_TYPES } from './layer-types.js';

export const layerTypes = new Map<string, LayerType>(Object.entries(BUILT_IN_LAYER_TYPES));

/** Makes a layer type buildable from a spec (and exportable to ONNX, describable, when it says how). */
export function registerLayer(type: string, layerType: LayerType): void {
  layerTypes.set(type, layerType);
}

/** One line for logs: "affine 50 → relu → affine 10". */
export function describeLayer(spec: LayerSpec): string {
  return layerTypes.get(spec.type)?.describe?.(spec) ?? spec.type;
}
