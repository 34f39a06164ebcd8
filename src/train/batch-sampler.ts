// Minibatches for the training loop: copied out of the training set into buffers reused
// across iterations, drawn with replacement (the book's loop) or in epochs over a fresh shuffle.

import { type Dataset, imageCount, sampleShapeOf } from '../data/dataset.js';
import { gatherImages } from '../data/image-rows.js';
import type { Rng } from '../tensor/rng.js';
import { type DType, Tensor } from '../tensor/tensor.js';

/** A shuffle sampler's place in its epoch (a replacement sampler has no state besides its rng). */
export interface SamplerState {
  readonly order?: Int32Array;
  readonly cursor: number;
}

/** Copies minibatches out of a dataset into buffers it reuses. */
export class BatchSampler {
  private x: Tensor | undefined;
  /** The set's size, and the batch's shape and element type: fixed for the sampler's life. */
  private readonly rows: number;
  private readonly shape: readonly number[];
  private readonly dtype: DType;
  private readonly t: Uint8Array;
  private readonly indices: Int32Array;
  private readonly order: Int32Array | undefined;
  private cursor = 0;

  constructor(
    private readonly set: Dataset,
    private readonly batchSize: number,
    sampling: 'replacement' | 'shuffle',
    private readonly rng: Rng,
  ) {
    this.rows = imageCount(set);
    this.shape = [batchSize, ...sampleShapeOf(set)];
    this.dtype = set.pixels ? 'float32' : set.images.dtype;
    this.t = new Uint8Array(batchSize);
    this.indices = new Int32Array(batchSize);
    if (sampling === 'shuffle') {
      this.order = Int32Array.from({ length: this.rows }, (_, i) => i);
      this.cursor = this.order.length;
    }
  }

  state(): SamplerState {
    return { order: this.order?.slice(), cursor: this.cursor };
  }

  setState(state: SamplerState): void {
    if (!this.order) return;
    const n = this.order.length;
    if (!state.order || state.order.length !== n || !(Number.isInteger(state.cursor) && state.cursor >= 0 && state.cursor <= n)) {
      throw new Error(`BatchSampler: saved shuffle state does not fit a set of ${n} examples`);
    }
    const seen = new Uint8Array(n);
    for (const index of state.order) {
      if (!(index >= 0 && index < n) || seen[index]) throw new Error('BatchSampler: saved shuffle order is not a permutation');
      seen[index] = 1;
    }
    this.order.set(state.order);
    this.cursor = state.cursor;
  }

  next(): { x: Tensor; t: Uint8Array } {
    // Allocated on first use (by then the backend that takes new tensors is the active one).
    const x = (this.x ??= Tensor.zeros(this.shape, this.dtype));
    // The same draws as a loop of rng.int(rows), in one call.
    if (!this.order) this.rng.fillInt(this.indices, this.rows);
    else for (let b = 0; b < this.batchSize; b++) this.indices[b] = this.nextIndex();
    for (let b = 0; b < this.batchSize; b++) this.t[b] = this.set.labels[this.indices[b]!]!;
    gatherImages(this.set, this.indices, x.data);
    return { x, t: this.t };
  }

  /** The next row of the shuffle, shuffling anew after the last. */
  private nextIndex(): number {
    const order = this.order!;
    if (this.cursor >= order.length) {
      this.rng.shuffle(order);
      this.cursor = 0;
    }
    return order[this.cursor++]!;
  }
}
