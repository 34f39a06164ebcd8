// What the page shows at each evaluation, computed in the worker from the net as it stands:
// the first layer's weights as pictures, the test strip's predictions, the confusion matrix.

import { InputError, evaluate, predictProbabilities, sizeOf, type Dataset, type LayerNet, type Tensor } from '../src/index.js';
import { argmaxRow } from '../src/tensor/rows.js';
import type { Snapshot, WeightTiles } from './protocol.js';

/** At most this many tiles (the book's 50 hidden units fit; a 100-unit layer shows its first 64). */
const MAX_TILES = 64;
/** Conv nets predict the test set slowly on the page's budget: their matrix uses the first this many images. */
const CONV_CONFUSION_IMAGES = 1000;

export function snapshot(net: LayerNet, test: Dataset, strip: Tensor, imageShape: readonly number[]): Snapshot {
  const isConv = net.params().some((p) => p.value.shape.length === 4);
  const confusionImages = isConv ? Math.min(CONV_CONFUSION_IMAGES, test.images.rows) : test.images.rows;
  const images = confusionImages < test.images.rows ? test.images.sliceRows(0, confusionImages) : test.images;
  const report = evaluate(net, { images, labels: test.labels.subarray(0, confusionImages) }, { mistakes: 0 });
  return { tiles: weightTiles(net, imageShape), strip: argmaxRows(predictProbabilities(net, strip)), confusion: report.confusion, confusionImages };
}

/**
 * The first weight tensor as pictures: an Affine's W1 (D×H) gives H tiles, column j reshaped
 * to the image (D = height·width); a Convolution's filters (F×C×kh×kw) give F tiles of their
 * first channel.
 */
export function weightTiles(net: LayerNet, imageShape: readonly number[]): WeightTiles | undefined {
  const first = net.params()[0]?.value;
  if (!first) return undefined;
  const shape = first.shape;
  const data = first.data;
  if (shape.length === 4) {
    const [filters, channels, height, width] = shape as [number, number, number, number];
    const count = Math.min(filters, MAX_TILES);
    const values = new Float32Array(count * height * width);
    for (let f = 0; f < count; f++) values.set(data.subarray(f * channels * height * width, f * channels * height * width + height * width), f * height * width);
    return { values, count, height, width, what: 'conv filters (first channel)' };
  }
  if (shape.length !== 2) return undefined;
  const [inputs, units] = shape as [number, number];
  const [height, width] = imageShape.length >= 2 ? imageShape.slice(-2) as [number, number] : [1, inputs];
  if (height * width !== inputs) return undefined;
  const count = Math.min(units, MAX_TILES);
  const values = new Float32Array(count * inputs);
  for (let j = 0; j < count; j++) for (let i = 0; i < inputs; i++) values[j * inputs + i] = data[i * units + j]!;
  return { values, count, height, width, what: `${net.params()[0]!.name} columns` };
}

/** The predicted class of each row. */
export function argmaxRows(probabilities: Tensor): Int32Array {
  const { rows, cols } = probabilities;
  return Int32Array.from({ length: rows }, (_, r) => argmaxRow(probabilities.data, r * cols, cols));
}

/** A batch of images shaped as the net reads them (N×784 or N×1×28×28). */
export function asInput(images: Tensor, inputShape: readonly number[]): Tensor {
  const perImage = images.rows > 0 ? images.data.length / images.rows : sizeOf(inputShape);
  if (perImage !== sizeOf(inputShape)) {
    throw new InputError(`the model reads input [${inputShape.join(', ')}], the images have ${perImage} values each`);
  }
  return images.reshape([images.rows, ...inputShape]);
}
