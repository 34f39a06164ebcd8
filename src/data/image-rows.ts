// Rows of a dataset's images as the float32 a net takes, whichever way the set keeps them:
// floats (read in place) or one byte a pixel (converted on the way, byte / 255). Training
// gathers its minibatches here and evaluation reads its chunks here, so a set kept as bytes
// never needs its whole float copy.

import { kernels } from '../tensor/kernels/kernels.js';
import { type Data, reuse, sizeOf, type Tensor } from '../tensor/tensor.js';
import { type Dataset, imageCount, sampleShapeOf } from './dataset.js';

/** out[b, :] = image rows[b] of the set, as floats (out holds rows.length images). */
export function gatherImages(set: Dataset, rows: Int32Array, out: Data): void {
  const width = sizeOf(sampleShapeOf(set));
  if (set.pixels) kernels().gatherPixelRows(set.pixels, rows, out, width);
  else kernels().gatherRows(set.images.data, rows, out, width);
}

/**
 * Images [start, end) as an (end − start)×sampleShape float tensor: a view of a float set's
 * images, or a byte set's converted into storage reused from `existing` (pass back what the
 * previous call returned).
 */
export function imageRows(set: Dataset, start: number, end: number, existing?: Tensor): Tensor {
  const count = imageCount(set);
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= count)) {
    throw new RangeError(`imageRows: rows ${start}..${end} are outside 0..${count}`);
  }
  if (!set.pixels) return set.images.sliceRows(start, end);
  const out = reuse(existing, [end - start, ...sampleShapeOf(set)], 'float32');
  const rows = new Int32Array(end - start);
  for (let i = 0; i < rows.length; i++) rows[i] = start + i;
  gatherImages(set, rows, out.data);
  return out;
}
