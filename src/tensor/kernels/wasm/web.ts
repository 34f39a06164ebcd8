// Loading the WebAssembly backend in a browser: the build fetched next to this module
// (or from options.baseUrl), Web Workers for the threads. Threads need shared memory,
// which a browser grants only to cross-origin isolated pages (COOP + COEP headers);
// elsewhere the unshared build runs on one thread.

import { EnvironmentError } from '../../../errors.js';
import type { WasmKernels } from './backend.js';
import type { WorkerInit } from './control.js';
import { detectWasmFeatures } from './features.js';
import type { WorkerHandle } from './pool.js';
import { chooseVariant, createWasmRuntime, wasmFileName, type WasmOptions } from './runtime.js';

export interface WebWasmOptions extends WasmOptions {
  /** Where the .wasm builds are served; default: build/wasm/ at the package root, relative to this module. */
  baseUrl?: string | URL;
  /** The worker entry (worker-web.js); default: next to this module. */
  workerUrl?: string | URL;
}

export async function loadWasmKernels(options: WebWasmOptions = {}): Promise<WasmKernels> {
  const features = detectWasmFeatures();
  const variant = chooseVariant(features, options.variant);
  if (!variant) throw new Error(`WebAssembly ${options.variant ?? 'SIMD'} is not supported by this browser`);
  const shared = features.sharedMemory && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const base = options.baseUrl ?? new URL('../../../../../build/wasm/', import.meta.url);
  const url = new URL(wasmFileName(variant, shared), base);
  const response = await fetch(url);
  if (!response.ok) throw new EnvironmentError(`${url}: HTTP ${response.status}: the WebAssembly kernels are not served there`);
  const workerUrl = options.workerUrl ?? new URL('./worker-web.js', import.meta.url);
  return createWasmRuntime({
    module: await WebAssembly.compile(await response.arrayBuffer()),
    variant,
    shared,
    threads: options.threads ?? navigator.hardwareConcurrency ?? 1,
    spinMicros: options.spinMicros,
    spawnWorker: (init) => spawnWebWorker(workerUrl, init),
  });
}

function spawnWebWorker(url: string | URL, init: WorkerInit): Promise<WorkerHandle> {
  const worker = new Worker(url, { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(`gemm worker failed to start: ${event.message}`));
    worker.onmessage = () => {
      worker.onerror = null;
      worker.onmessage = null;
      resolve(worker);
    };
    worker.postMessage(init);
  });
}
