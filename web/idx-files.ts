// The four IDX files a run trains on, as the core's IdxPairs: fetched from the server (the
// page's data/ folder) or picked by the user (raw or .gz, in any order). Errors are the
// core's one-liners naming the file.

import { InputError, parseIdx, type Idx } from '../src/index.js';

export const MNIST_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface IdxSet {
  train: { images: Idx; labels: Idx; imagesName: string; labelsName: string };
  test: { images: Idx; labels: Idx; imagesName: string; labelsName: string };
  source: string;
}

/** The served dataset, from `base` (the page's data/ folder); the server gzips it on the wire. */
export async function fetchIdxSet(base: URL, onProgress: (text: string) => void): Promise<IdxSet> {
  const read = async (name: string): Promise<[string, Idx]> => {
    const url = new URL(name, base);
    const response = await fetch(url);
    if (!response.ok) throw new InputError(`${name}: HTTP ${response.status} from ${url.pathname}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress(`${name}: ${(bytes.length / 1e6).toFixed(1)} MB`);
    return [name, parseIdx(await gunzipIfNeeded(bytes, name), name)];
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [MNIST_NAMES.trainImages, MNIST_NAMES.trainLabels, MNIST_NAMES.testImages, MNIST_NAMES.testLabels].map(read),
  );
  return {
    train: { imagesName: trainImages![0], images: trainImages![1], labelsName: trainLabels![0], labels: trainLabels![1] },
    test: { imagesName: testImages![0], images: testImages![1], labelsName: testLabels![0], labels: testLabels![1] },
    source: 'MNIST served by scratchnet serve',
  };
}

/**
 * Four picked files: images have two or more dimensions, labels one; a name containing
 * "t10k" or "test" marks the test set, else "train" the training set, else the larger set is
 * the training set.
 */
export async function readIdxFiles(files: readonly File[]): Promise<IdxSet> {
  if (files.length !== 4) throw new InputError(`pick four IDX files (train and test images and labels), not ${files.length}`);
  const parsed = await Promise.all(
    files.map(async (file) => ({ name: file.name, idx: parseIdx(await gunzipIfNeeded(new Uint8Array(await file.arrayBuffer()), file.name), file.name) })),
  );
  const images = parsed.filter((f) => f.idx.dims.length >= 2);
  const labels = parsed.filter((f) => f.idx.dims.length === 1);
  if (images.length !== 2 || labels.length !== 2) {
    throw new InputError(`expected two image files (N×H×W) and two label files (N), got ${images.length} and ${labels.length}`);
  }
  const isTest = (name: string): boolean | undefined => (/t10k|test/i.test(name) ? true : /train/i.test(name) ? false : undefined);
  const order = <T extends { name: string; idx: Idx }>(pair: T[]): [T, T] => {
    const [a, b] = pair as [T, T];
    const aTest = isTest(a.name);
    const bTest = isTest(b.name);
    if (aTest !== undefined && bTest !== undefined && aTest !== bTest) return aTest ? [b, a] : [a, b];
    return a.idx.dims[0]! >= b.idx.dims[0]! ? [a, b] : [b, a];
  };
  const [trainImages, testImages] = order(images);
  const [trainLabels, testLabels] = order(labels);
  return {
    train: { images: trainImages.idx, imagesName: trainImages.name, labels: trainLabels.idx, labelsName: trainLabels.name },
    test: { images: testImages.idx, imagesName: testImages.name, labels: testLabels.idx, labelsName: testLabels.name },
    source: files.map((f) => f.name).join(', '),
  };
}

/** gzip data (by its magic bytes) decompressed with the browser's DecompressionStream; raw data as it is. */
export async function gunzipIfNeeded(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (!(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new InputError(`${name}: gzip data is corrupt (${(error as Error).message})`);
  }
}
