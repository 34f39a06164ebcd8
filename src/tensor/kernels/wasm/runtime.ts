// Platform-free setup of the WebAssembly backend: pick the build this engine can run,
// instantiate it over a fresh memory, start the worker pool. The Node and browser loaders
// (node.ts, web.ts) only fetch the bytes and spawn workers.

import { createWasmKernels, type WasmKernels, type WasmVariant } from './backend.js';
import { instantiateKernels } from './exports.js';
import type { WasmFeatures } from './features.js';
import { WasmHeap } from './heap.js';
import { GemmPool, type SpawnWorker } from './pool.js';

/** 64 KiB pages: start at 16 MiB; the 4 GiB ceiling is address space, not resident memory. */
const INITIAL_PAGES = 256;
export const MAXIMUM_PAGES = 65536;
/** Workers poll this long after a task before sleeping: a training step's GEMMs come closer together. */
export const DEFAULT_SPIN_MICROS = 200;

export interface WasmOptions {
  /** Threads for large products, this one included (1 = no workers). Default: the number of cores. */
  threads?: number;
  /** Force a build ('simd' even when relaxed SIMD is there); default: the best this engine runs. */
  variant?: WasmVariant;
  /** After a task, how long a worker polls for the next before it sleeps (µs). */
  spinMicros?: number;
}

/** The fallback chain: relaxed SIMD (fused multiply-add), then plain SIMD, then none (portable JS). */
export function chooseVariant(features: WasmFeatures, wanted?: WasmVariant): WasmVariant | undefined {
  if (!features.simd) return undefined;
  if (wanted === 'simd') return 'simd';
  if (wanted === 'relaxed-simd' && !features.relaxedSimd) return undefined;
  return features.relaxedSimd ? 'relaxed-simd' : 'simd';
}

/** File name of a build: shared memory (threads) or not (a page that is not cross-origin isolated). */
export function wasmFileName(variant: WasmVariant, shared: boolean): string {
  return `kernels-${variant}${shared ? '' : '-unshared'}.wasm`;
}

export interface WasmSetup {
  module: WebAssembly.Module;
  variant: WasmVariant;
  shared: boolean;
  threads: number;
  spawnWorker: SpawnWorker;
  spinMicros?: number;
  maximumPages?: number;
}

export async function createWasmRuntime(setup: WasmSetup): Promise<WasmKernels> {
  return (await startWasmRuntime(setup)).kernels;
}

/** A runtime whose memory is ready while its worker threads are still starting. */
export interface StartingWasmRuntime {
  /** Float32 arrays in the kernels' memory; undefined when it is not shared (growth would detach them). */
  readonly float32Array: ((length: number) => Float32Array) | undefined;
  /** The kernels, once the workers are up. */
  readonly kernels: Promise<WasmKernels>;
}

/**
 * createWasmRuntime in two steps: the memory first, so that data can be placed in it while
 * the workers start (a worker thread takes 0.1–0.2 s to boot).
 */
export async function startWasmRuntime(setup: WasmSetup): Promise<StartingWasmRuntime> {
  const { module, variant, shared } = setup;
  const threads = shared ? Math.max(1, Math.floor(setup.threads)) : 1;
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: setup.maximumPages ?? MAXIMUM_PAGES, shared });
  const wasm = await instantiateKernels(module, memory);
  const heap = new WasmHeap(memory, wasm.heapBase());
  const scratch = heap.alloc(wasm.gemmScratchBytes());
  const pool =
    threads > 1
      ? GemmPool.start(wasm, heap, module, threads - 1, scratch, setup.spawnWorker, setup.spinMicros ?? DEFAULT_SPIN_MICROS)
      : Promise.resolve(undefined);
  const kernels = pool.then((started) => createWasmKernels(wasm, heap, variant, scratch, started));
  // NOTE: a caller that fails before awaiting the kernels must not crash on their rejection too.
  kernels.catch(() => {});
  return { float32Array: heap.shared ? (length) => heap.float32Array(length) : undefined, kernels };
}
