// The layer types a ModelSpec can name, each with the factory that builds it. Kept apart
// from spec.ts so modules that register layers (layers-registry.ts) and spec.ts can
// import each other in either order: this module imports nothing at run time.

import type { LayerFactory } from './spec.js';

export const factories = new Map<string, LayerFactory>();

/** Makes a layer type buildable from a spec. */
export function registerLayer(type: string, factory: LayerFactory): void {
  factories.set(type, factory);
}
