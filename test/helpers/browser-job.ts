// The job test/browser.test.ts runs in headless Chromium and, for reference, in Node: the
// wasm backend checked against the portable GEMM, then the book's TwoLayerNet trained on
// real MNIST read by the core's IDX parser. Imports only the library's entry, so that in
// the page it is the entry's whole import graph that loads.

import {
  Rng, SGD, Tensor, TwoLayerNet, createJsKernels, describeBackend, parseIdx, toDataset, train, useBackend,
  type Dataset, type Idx, type loadWasmKernels,
} from '../../src/index.js';

type WasmKernels = Awaited<ReturnType<typeof loadWasmKernels>>;

export interface JobOptions {
  threads: number;
  /** Force a wasm build; default: the best this engine runs. */
  variant?: 'relaxed-simd' | 'simd';
  trainImages: number;
  testImages: number;
  iterations: number;
  /** How many of the first minibatch losses to return. */
  firstLosses: number;
}

export interface GemmCheck {
  /** e.g. "100×784×50 Aᵀ, split" */
  name: string;
  /** Largest |wasm − portable| over C. */
  largestDifference: number;
  /** Largest |C|, for scale. */
  largestValue: number;
}

export interface JobResult {
  backend: string;
  variant: string;
  threads: number;
  /** Whether the backend's float32 arrays live in its (shared) memory. */
  sharedMemory: boolean;
  /** The page's crossOriginIsolated; undefined in Node. */
  crossOriginIsolated: boolean | undefined;
  gemm: GemmCheck[];
  firstLosses: number[];
  trainAccuracy: number;
  testAccuracy: number;
  trainSeconds: number;
}

/** MNIST file by its standard name (train-images-idx3-ubyte …), as bytes. */
export type ReadMnistFile = (name: string) => Promise<Uint8Array>;

const JOB_SEED = 7;

export async function runJob(read: ReadMnistFile, options: JobOptions): Promise<JobResult> {
  const backend = await useBackend('wasm', { threads: options.threads, variant: options.variant });
  if (!('variant' in backend)) throw new Error(`expected the wasm backend, got ${backend.name}`);
  const wasm = backend as WasmKernels;
  const gemm = checkGemm(wasm);

  // Data after the backend: a shared-memory backend allocates the float32 images in its memory.
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(
      async (name) => [name, parseIdx(await read(name), name)] as const,
    ),
  );
  const trainSet = firstOf(trainImages!, trainLabels!, options.trainImages);
  const testSet = firstOf(testImages!, testLabels!, options.testImages);

  const rng = new Rng(JOB_SEED);
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng });
  const result = train(net, new SGD(0.1), { train: trainSet, test: testSet }, rng, { iterations: options.iterations, batchSize: 100, evalEvery: 0 });
  return {
    backend: describeBackend(backend),
    variant: wasm.variant,
    threads: wasm.threads,
    sharedMemory: wasm.float32Array !== undefined,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
    gemm,
    firstLosses: Array.from(result.loss.subarray(0, options.firstLosses)),
    trainAccuracy: result.final.trainAccuracy,
    testAccuracy: result.final.testAccuracy,
    trainSeconds: result.seconds.train,
  };
}

/** The first `count` images and labels of an IDX pair, as a dataset. */
function firstOf([imagesName, images]: readonly [string, Idx], [labelsName, labels]: readonly [string, Idx], count: number): Dataset {
  const pixels = images.dims.slice(1).reduce((a, b) => a * b, 1);
  return toDataset({
    images: { dims: [count, ...images.dims.slice(1)], data: images.data.subarray(0, count * pixels) },
    labels: { dims: [count], data: labels.data.subarray(0, count) },
    imagesName,
    labelsName,
  });
}

/**
 * The wasm GEMM against the portable one on the two-layer net's shapes: X·W1 (100×784×50),
 * Xᵀ·dY (stored transposed) and dY·W1ᵀ; each with the backend's own choice of split and
 * with every product split over all threads (so workers, if any, compute blocks of C).
 */
function checkGemm(wasm: WasmKernels): GemmCheck[] {
  const portable = createJsKernels();
  const rng = new Rng(11);
  const random = (length: number): Float32Array => {
    const data = Tensor.zeros([length]).data as Float32Array;
    for (let i = 0; i < length; i++) data[i] = rng.uniform() * 2 - 1;
    return data;
  };
  const shapes = [
    { name: '100×784×50', m: 100, k: 784, n: 50, transA: false, transB: false },
    { name: '784×100×50 Aᵀ', m: 784, k: 100, n: 50, transA: true, transB: false },
    { name: '100×50×784 Bᵀ', m: 100, k: 50, n: 784, transA: false, transB: true },
  ];
  const checks: GemmCheck[] = [];
  const defaults = { minParallelFlops: wasm.minParallelFlops, adaptiveSplit: wasm.adaptiveSplit };
  try {
    for (const split of [false, true]) {
      wasm.minParallelFlops = split ? 0 : defaults.minParallelFlops;
      wasm.adaptiveSplit = split ? false : defaults.adaptiveSplit;
      for (const { name, m, k, n, transA, transB } of shapes) {
        const a = random(m * k);
        const b = random(k * n);
        const c = Tensor.zeros([m * n]).data;
        const expected = new Float32Array(m * n);
        wasm.gemm(a, b, c, m, n, k, { transA, transB });
        portable.gemm(a, b, expected, m, n, k, { transA, transB });
        let largestDifference = 0;
        let largestValue = 0;
        for (let i = 0; i < m * n; i++) {
          largestDifference = Math.max(largestDifference, Math.abs(c[i]! - expected[i]!));
          largestValue = Math.max(largestValue, Math.abs(expected[i]!));
        }
        checks.push({ name: split ? `${name}, split` : name, largestDifference, largestValue });
      }
    }
  } finally {
    wasm.minParallelFlops = defaults.minParallelFlops;
    wasm.adaptiveSplit = defaults.adaptiveSplit;
  }
  return checks;
}
