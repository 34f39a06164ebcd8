// Loading the WebAssembly backend in Node: the build's bytes from build/wasm (made by
// `npm run build`), relaxed SIMD switched on (Node 20 has it behind a flag), workers
// from worker_threads. Unref'd workers never keep the process alive.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { EnvironmentError } from '../../../errors.js';
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
  const path = fileURLToPath(new URL(wasmFileName(variant, features.sharedMemory), BUILD_DIR));
  return startWasmRuntime({
    module: await compileBuild(path),
    variant,
    shared: features.sharedMemory,
    threads: options.threads ?? availableParallelism(),
    spinMicros: options.spinMicros,
    spawnWorker: spawnNodeWorker,
  });
}

/** The kernels' build, compiled; a missing or damaged file is a broken installation, named in one line. */
async function compileBuild(path: string): Promise<WebAssembly.Module> {
  const fix = 'reinstall scratchnet (in its repository: `npm run build`)';
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (error as Error).message})`;
    throw new EnvironmentError(`${path} ${problem}: the WebAssembly kernels are not installed; ${fix}`);
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new EnvironmentError(`${path} is not a valid WebAssembly build (${(error as Error).message}); ${fix}`);
  }
}

export function spawnNodeWorker(init: WorkerInit): Promise<WorkerHandle> {
  // NOTE: no execArgv: the parent's (--input-type, -e …) can be invalid for a worker file.
  const worker = new Worker(new URL('./worker-node.js', import.meta.url), { workerData: init, execArgv: [] });
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => reject(new Error(`gemm worker failed to start: ${error.message}`));
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`exited with code ${code}`)));
    worker.once('message', () => {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      // A worker that fails later says so in the mailbox, and the product waiting for it
      // throws (pool.ts); its 'error' event must not also end the process.
      worker.on('error', () => {});
      worker.unref();
      resolve(worker);
    });
  });
}
