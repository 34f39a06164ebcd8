import type { Param } from '../layers/layer.js';

/** An optimizer moves every parameter one step against its gradient. */
export interface Optimizer {
  readonly name: string;
  update(params: readonly Param[]): void;
}
