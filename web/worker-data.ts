// The worker's kernels and dataset: the backend the page asked for (the portable one if wasm
// fails), and the dataset (served or the user's IDX files) loaded once per layout.

import { describeBackend, imageCount, imageRows, InputError, toImageData, useBackend, type ImageData, type Kernels } from '../src/index.js';
import { fetchIdxSet, type IdxSet } from './idx-files.js';
import { messageOf, post } from './worker-post.js';

/** Test digits shown with their predictions. */
export const STRIP_SIZE = 24;

let backendReady: Promise<void> | undefined;
let idxSource: Promise<IdxSet> | undefined;
let dataCache: { keepShape: boolean; data: ImageData } | undefined;

/** Sets up the kernels; loadData waits for them. */
export function initBackend(backendName: 'wasm' | 'js', threads: number | undefined): void {
  backendReady = init(backendName, threads);
}

async function init(backendName: 'wasm' | 'js', threads: number | undefined): Promise<void> {
  let backend: Kernels;
  let note = '';
  try {
    backend = await useBackend(backendName, { threads });
  } catch (error) {
    // No WebAssembly SIMD here: the portable kernels compute the same numbers, slower.
    backend = await useBackend('js');
    note = ` (wasm failed: ${messageOf(error)})`;
  }
  const threadCount = (backend as { threads?: number }).threads ?? 1;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  post({ type: 'ready', backend: `${describeBackend(backend)}${note}`, threads: threadCount, isolated });
}

/** Switches the dataset (undefined: the served one); the next run uses it. */
export function useData(source: Promise<IdxSet> | undefined, during: 'files' | 'data'): void {
  const previous = { idxSource, dataCache };
  idxSource = source;
  dataCache = undefined;
  void loadData(false).catch((error: unknown) => {
    // A broken file leaves the previous dataset in place.
    ({ idxSource, dataCache } = previous);
    post({ type: 'error', message: messageOf(error), during });
  });
}

/** The dataset as the model kind needs it (flat, or N×1×H×W for conv nets); posts its summary and test strip. */
export async function loadData(keepShape: boolean): Promise<ImageData> {
  await backendReady;
  if (dataCache && dataCache.keepShape === keepShape) return dataCache.data;
  if (!idxSource) {
    post({ type: 'status', text: 'loading MNIST…' });
    idxSource = fetchIdxSet(new URL('data/', import.meta.url), (text) => post({ type: 'status', text: `loaded ${text}` }));
  }
  const set = await idxSource;
  // NOTE: after the backend: a shared-memory backend keeps the images' bytes in its memory.
  const data = toImageData(set.train, set.test, set.source, { keepShape });
  if (imageCount(data.train) === 0) throw new InputError(`${set.train.imagesName}: the training set holds no images`);
  dataCache = { keepShape, data };
  const count = Math.min(STRIP_SIZE, imageCount(data.test));
  post({
    type: 'data',
    source: data.source,
    trainSize: imageCount(data.train),
    testSize: imageCount(data.test),
    imageShape: [...data.imageShape],
    classes: data.classes,
    strip: { pixels: imageRows(data.test, 0, count).data.slice() as Float32Array, labels: data.test.labels.slice(0, count), count },
  });
  return data;
}
