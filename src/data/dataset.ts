// From IDX images and labels to what training needs: float32 pixels in 0..1 and class
// indices. Image size and class count come from the files.

import { InputError } from '../errors.js';
import { allocate, Tensor } from '../tensor/tensor.js';
import type { Idx } from './idx.js';

export interface Dataset {
  /** N×D (flat) or N×1×H×W images, float32 in 0..1. */
  readonly images: Tensor;
  /** Class index per image. */
  readonly labels: Uint8Array;
}

export interface ImageData {
  readonly train: Dataset;
  readonly test: Dataset;
  /** Number of classes: the largest label seen plus one. */
  readonly classes: number;
  /** Height and width of one image, from the IDX header. */
  readonly imageShape: readonly number[];
  /** Where the data came from, for the log. */
  readonly source: string;
}

export interface IdxPair {
  readonly images: Idx;
  readonly labels: Idx;
  readonly imagesName: string;
  readonly labelsName: string;
}

export interface DatasetOptions {
  /** N×1×H×W instead of N×(H·W). */
  keepShape?: boolean;
}

/** Checks a pair of IDX files and converts it; errors name the offending file. */
export function toDataset(pair: IdxPair, options: DatasetOptions = {}): Dataset {
  const { images, labels, imagesName, labelsName } = pair;
  if (images.dims.length < 2) throw new InputError(`${imagesName}: expected images (N×H×W), got ${images.dims.length} dimension(s)`);
  if (labels.dims.length !== 1) throw new InputError(`${labelsName}: expected labels (one dimension), got ${labels.dims.length}`);
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new InputError(`${imagesName} holds ${count} images but ${labelsName} holds ${labels.dims[0]} labels`);
  }
  const pixelShape = images.dims.slice(1);
  const pixels = allocate('float32', images.data.length) as Float32Array;
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  const shape = options.keepShape ? [count, 1, ...pixelShape] : [count, pixels.length / Math.max(count, 1)];
  return { images: new Tensor(pixels, count === 0 ? [0, pixelShape.reduce((a, b) => a * b, 1)] : shape), labels: labels.data.slice() };
}

/** Combines train and test sets, checking that they describe the same kind of image. */
export function toImageData(train: IdxPair, test: IdxPair, source: string, options: DatasetOptions = {}): ImageData {
  const trainShape = train.images.dims.slice(1);
  const testShape = test.images.dims.slice(1);
  if (trainShape.join('×') !== testShape.join('×')) {
    throw new InputError(`${test.imagesName}: images are ${testShape.join('×')} but ${train.imagesName} has ${trainShape.join('×')}`);
  }
  const trainSet = toDataset(train, options);
  const testSet = toDataset(test, options);
  let maxLabel = 0;
  for (const set of [trainSet, testSet]) for (const label of set.labels) if (label > maxLabel) maxLabel = label;
  return { train: trainSet, test: testSet, classes: maxLabel + 1, imageShape: trainShape, source };
}

/** N×C one-hot targets from class indices. */
export function oneHot(labels: ArrayLike<number>, classes: number): Tensor {
  const t = Tensor.zeros([labels.length, classes]);
  for (let i = 0; i < labels.length; i++) t.data[i * classes + labels[i]!] = 1;
  return t;
}
