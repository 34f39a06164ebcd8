// Loading the WebAssembly backend in Node: the build's bytes from build/wasm (made by
// `npm run build`), relaxed SIMD switched on (Node 20 has it behind a flag), workers
// from worker_threads. Unref'd workers never keep the process alive.

import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { WasmKernels } from './backend.js';
import type { WorkerInit } from './control.js';
import { detectWasmFeatures } from './features.js';
import type { WorkerHandle } from './pool.js';
import { chooseVariant, startWasmRuntime, wasmFileName, type StartingWasmRuntime, type WasmOptions } from './runtime.js';

/** From dist/src/tensor/kernels/wasm/ up to the package root, then build/wasm/. */
const BUILD_DIR = new URL('../../../../../build/wasm/', import.meta.url);

export interface NodeWasmOptions extends WasmOptions {
  /** Switch on Node 20's experimental relaxed SIMD (default true); false leaves the engine as it is. */
  enableRelaxedSimd?: boolean;
}

export async function loadWasmKernels(options: NodeWasmOptions = {}): Promise<WasmKernels> {
  return (await startWasmKernels(options)).kernels;
}

/** loadWasmKernels in two steps: the memory is usable while the worker threads start (see startWasmRuntime). */
export async function startWasmKernels(options: NodeWasmOptions = {}): Promise<StartingWasmRuntime> {
  // NOTE: must run before any relaxed-SIMD module is validated or compiled.
  if (options.enableRelaxedSimd !== false) setFlagsFromString('--experimental-wasm-relaxed-simd');
  const features = detectWasmFeatures();
  const variant = chooseVariant(features, options.variant);
  if (!variant) {
    throw new Error(`WebAssembly ${options.variant ?? 'SIMD'} is not supported by this Node (${process.version})`);
  }
  const file = new URL(wasmFileName(variant, features.sharedMemory), BUILD_DIR);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readFile(file);
  } catch {
    throw new Error(`${file.pathname} is missing: run \`npm run build\` to compile the WebAssembly kernels`);
  }
  return startWasmRuntime({
    module: await WebAssembly.compile(bytes),
    variant,
    shared: features.sharedMemory,
    threads: options.threads ?? availableParallelism(),
    spinMicros: options.spinMicros,
    spawnWorker: spawnNodeWorker,
  });
}

function spawnNodeWorker(init: WorkerInit): Promise<WorkerHandle> {
  // NOTE: no execArgv: the parent's (--input-type, -e …) can be invalid for a worker file.
  const worker = new Worker(new URL('./worker-node.js', import.meta.url), { workerData: init, execArgv: [] });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => reject(new Error(`gemm worker failed to start: ${error.message}`));
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`exited with code ${code}`)));
    worker.once('message', () => {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      worker.unref();
      resolve(worker);
    });
  });
}
