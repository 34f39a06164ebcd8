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

/** Checks that a pair of IDX headers describes images and their labels; errors name the offending file. */
export function checkIdxPair(imagesDims: readonly number[], labelsDims: readonly number[], imagesName: string, labelsName: string): void {
  if (imagesDims.length < 2) throw new InputError(`${imagesName}: expected images (N×H×W), got ${imagesDims.length} dimension(s)`);
  if (labelsDims.length !== 1) throw new InputError(`${labelsName}: expected labels (one dimension), got ${labelsDims.length}`);
  if (labelsDims[0] !== imagesDims[0]) {
    throw new InputError(`${imagesName} holds ${imagesDims[0]} images but ${labelsName} holds ${labelsDims[0]} labels`);
  }
}

/** Checks that train and test images have the same size. */
export function checkSameImageShape(trainDims: readonly number[], testDims: readonly number[], trainName: string, testName: string): void {
  const trainShape = trainDims.slice(1);
  const testShape = testDims.slice(1);
  if (trainShape.join('×') !== testShape.join('×')) {
    throw new InputError(`${testName}: images are ${testShape.join('×')} but ${trainName} has ${trainShape.join('×')}`);
  }
}

/** byte / 255 as float32, for every byte value. */
const UNIT = Float32Array.from({ length: 256 }, (_, value) => value / 255);

/** Writes bytes / 255 into `out` from `offset`: one pass, through a 256-entry table. */
export function bytesToUnit(bytes: Uint8Array, out: Float32Array, offset = 0): void {
  const n = bytes.length;
  if (offset + n > out.length) throw new RangeError(`bytesToUnit: ${n} values at ${offset} overflow ${out.length}`);
  for (let i = 0; i < n; i++) out[offset + i] = UNIT[bytes[i]!]!;
}

/** A Dataset over pixels already in 0..1 (`dims`: N, then the image's own dimensions). */
export function datasetFrom(dims: readonly number[], pixels: Float32Array, labels: Uint8Array, options: DatasetOptions = {}): Dataset {
  const count = dims[0]!;
  const pixelShape = dims.slice(1);
  const shape = count === 0 ? [0, pixelShape.reduce((a, b) => a * b, 1)] : options.keepShape ? [count, 1, ...pixelShape] : [count, pixels.length / count];
  return { images: new Tensor(pixels, shape), labels };
}

/** Checks a pair of IDX files and converts it; errors name the offending file. */
export function toDataset(pair: IdxPair, options: DatasetOptions = {}): Dataset {
  const { images, labels, imagesName, labelsName } = pair;
  checkIdxPair(images.dims, labels.dims, imagesName, labelsName);
  const pixels = allocate('float32', images.data.length) as Float32Array;
  bytesToUnit(images.data, pixels);
  return datasetFrom(images.dims, pixels, labels.data.slice(), options);
}

/** Combines train and test sets, checking that they describe the same kind of image. */
export function toImageData(train: IdxPair, test: IdxPair, source: string, options: DatasetOptions = {}): ImageData {
  checkSameImageShape(train.images.dims, test.images.dims, train.imagesName, test.imagesName);
  return combineSets(toDataset(train, options), toDataset(test, options), train.images.dims.slice(1), source);
}

/** Train and test sets as one ImageData; the number of classes is the largest label plus one. */
export function combineSets(trainSet: Dataset, testSet: Dataset, imageShape: readonly number[], source: string): ImageData {
  let maxLabel = 0;
  for (const set of [trainSet, testSet]) for (const label of set.labels) if (label > maxLabel) maxLabel = label;
  return { train: trainSet, test: testSet, classes: maxLabel + 1, imageShape, source };
}

/** N×C one-hot targets from class indices. */
export function oneHot(labels: ArrayLike<number>, classes: number): Tensor {
  const t = Tensor.zeros([labels.length, classes]);
  for (let i = 0; i < labels.length; i++) t.data[i * classes + labels[i]!] = 1;
  return t;
}
