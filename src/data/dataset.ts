// From IDX images and labels to what training needs: images (kept as bytes, read as float32
// in 0..1) and class indices. Image size and class count come from the files.

import { InputError } from '../errors.js';
import { bytesToUnit } from '../tensor/kernels/pixels.js';
import { allocate, allocateBytes, sizeOf, Tensor } from '../tensor/tensor.js';
import type { Idx } from './idx.js';

/**
 * Images and their labels: the book's (x, t), `{ images, labels }`. A set loaded from IDX
 * files keeps its images as bytes (`pixels`) and says how many and of what shape; its float
 * `images` are made on first use only (training and evaluation read the bytes: image-rows.ts).
 */
export interface Dataset {
  /**
   * The images as float32 in 0..1: N×D (flat) or N×1×H×W. For a set with `pixels`, made on
   * first use and kept, at four bytes a pixel.
   */
  readonly images: Tensor;
  /** Class index per image. */
  readonly labels: Uint8Array;
  /** The images as loaded, one byte a pixel (pixel = byte / 255); with count and sampleShape. */
  readonly pixels?: Uint8Array;
  /** How many images (given with pixels). */
  readonly count?: number;
  /** One image as a net takes it, [D] or [1, H, W] (given with pixels). */
  readonly sampleShape?: readonly number[];
}

/** How many images the set holds (without making a pixel set's floats). */
export function imageCount(set: Dataset): number {
  return set.count ?? set.images.rows;
}

/** The shape of one image as a net takes it (without making a pixel set's floats). */
export function sampleShapeOf(set: Dataset): readonly number[] {
  return set.sampleShape ?? set.images.shape.slice(1);
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

/** Images per set and the shape of one, from IDX dimensions (N, then the image's own). */
function shapes(dims: readonly number[], options: DatasetOptions): { count: number; sampleShape: number[] } {
  const pixelShape = dims.slice(1);
  const flat = pixelShape.reduce((a, b) => a * b, 1);
  return { count: dims[0]!, sampleShape: options.keepShape && dims[0]! > 0 ? [1, ...pixelShape] : [flat] };
}

/** A Dataset over pixels already in 0..1 (`dims`: N, then the image's own dimensions). */
export function datasetFrom(dims: readonly number[], pixels: Float32Array, labels: Uint8Array, options: DatasetOptions = {}): Dataset {
  const { count, sampleShape } = shapes(dims, options);
  return { images: new Tensor(pixels, [count, ...sampleShape]), labels };
}

/**
 * A Dataset that keeps its images as bytes, one a pixel (`dims`: N, then the image's own
 * dimensions): a quarter of the memory of floats, and no conversion up front. Its float
 * `images` are made only if something asks for them.
 */
export function pixelDataset(dims: readonly number[], pixels: Uint8Array, labels: Uint8Array, options: DatasetOptions = {}): Dataset {
  const { count, sampleShape } = shapes(dims, options);
  if (pixels.length !== count * sizeOf(sampleShape)) throw new Error(`pixelDataset: ${pixels.length} bytes for ${count} images of ${sampleShape.join('×')}`);
  let images: Tensor | undefined;
  return {
    count,
    sampleShape,
    labels,
    pixels,
    get images(): Tensor {
      if (!images) {
        const data = allocate('float32', pixels.length) as Float32Array;
        bytesToUnit(pixels, data);
        images = new Tensor(data, [count, ...sampleShape]);
      }
      return images;
    },
  };
}

/** Checks a pair of IDX files and converts it; errors name the offending file. */
export function toDataset(pair: IdxPair, options: DatasetOptions = {}): Dataset {
  const { images, labels, imagesName, labelsName } = pair;
  checkIdxPair(images.dims, labels.dims, imagesName, labelsName);
  const pixels = allocateBytes(images.data.length);
  pixels.set(images.data);
  return pixelDataset(images.dims, pixels, labels.data.slice(), options);
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
