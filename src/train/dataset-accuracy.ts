// Accuracy of a net on a dataset: its images read chunk by chunk (image-rows.ts), so a set
// kept as bytes is converted a chunk at a time into one buffer reused across evaluations.

import { imageRows } from '../data/image-rows.js';
import { type Dataset, imageCount } from '../data/dataset.js';
import type { LayerNet } from '../nets/layer-net.js';
import { kernels } from '../tensor/kernels/kernels.js';
import type { Tensor } from '../tensor/tensor.js';

/** Rows per chunk: large enough to share over threads, small enough to stay in the cache (3 MB of MNIST floats). */
export const ACCURACY_CHUNK_ROWS = 1000;

export class DatasetAccuracy {
  private chunk: Tensor | undefined;

  constructor(
    private readonly net: LayerNet,
    private readonly chunkRows = ACCURACY_CHUNK_ROWS,
  ) {}

  /** Fraction of the first `count` images (all by default) whose highest score is their label. */
  of(set: Dataset, count = imageCount(set)): number {
    return count === 0 ? 0 : this.correct(set, count) / count;
  }

  /** How many of the first `count` images (all by default) have their label as highest score. */
  correct(set: Dataset, count = imageCount(set)): number {
    const total = imageCount(set);
    if (!(Number.isInteger(count) && count >= 0 && count <= total)) throw new RangeError(`accuracy: ${count} of ${total} images`);
    let correct = 0;
    for (let start = 0; start < count; start += this.chunkRows) {
      const end = Math.min(count, start + this.chunkRows);
      const x = imageRows(set, start, end, this.chunk);
      if (set.pixels) this.chunk = x;
      const scores = this.net.predict(x);
      correct += kernels().countCorrect(scores.data, set.labels.subarray(start, end), end - start, scores.cols);
    }
    return correct;
  }
}
