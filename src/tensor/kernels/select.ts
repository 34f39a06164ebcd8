// Choosing the kernel backend by name (the CLI's --backend and --threads).

import { InputError } from '../../errors.js';
import { setFloat32Allocator } from '../tensor.js';
import { createJsKernels } from './js.js';
import { setKernels, type Kernels } from './kernels.js';
import type { WasmKernels, WasmVariant } from './wasm/backend.js';

export type BackendName = 'js' | 'wasm';
export const BACKENDS: readonly BackendName[] = ['js', 'wasm'];

export interface BackendOptions {
  /** Threads for the large products, this one included (1 = no workers). Default: the number of cores. */
  threads?: number;
  /** wasm only: force a build ('simd' = plain SIMD even where relaxed SIMD runs). */
  variant?: WasmVariant;
}

/** The wasm backend this module started, closed (its workers stopped) when another replaces it. */
let started: WasmKernels | undefined;

/** Creates the named backend and makes it the active one. */
export async function useBackend(name: BackendName, options: BackendOptions = {}): Promise<Kernels> {
  return (await startBackend(name, options)).ready;
}

/** A backend on its way: its memory already takes new tensors, its kernels are not active yet. */
export interface StartingBackend {
  /** Resolves once the backend is the active one. */
  readonly ready: Promise<Kernels>;
  /** For a backend that will not be used after all: stops its worker threads once they are up. */
  discard(): Promise<void>;
}

/**
 * Starts the named backend. When this resolves, new float32 tensors are placed in its memory
 * (so that data can load while its worker threads start); compute only once `ready` resolves.
 */
export async function startBackend(name: BackendName, options: BackendOptions = {}): Promise<StartingBackend> {
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new InputError(`--threads must be a positive integer, got ${threads}`);
  }
  let kernels: Promise<Kernels>;
  switch (name) {
    case 'js':
      kernels = Promise.resolve(createJsKernels());
      break;
    case 'wasm': {
      const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
      if (isNode) {
        const starting = await (await import('./wasm/node.js')).startWasmKernels(options);
        setFloat32Allocator(starting.float32Array);
        kernels = starting.kernels;
      } else {
        kernels = Promise.resolve(await loadWasmKernels(options));
      }
      break;
    }
    default:
      throw new InputError(`--backend must be one of ${BACKENDS.join(', ')}, got "${name as string}"`);
  }
  let discarded = false;
  const ready = kernels.then(
    async (backend) => {
      if (discarded) {
        if (isWasm(backend)) await backend.close();
        throw new Error('backend discarded before it was ready');
      }
      await activate(backend);
      return backend;
    },
    (error: unknown) => {
      // New tensors go back where the active backend wants them.
      setFloat32Allocator(started?.float32Array);
      throw error;
    },
  );
  ready.catch(() => {});
  return {
    ready,
    async discard() {
      discarded = true;
      // New tensors go back where the active backend wants them.
      setFloat32Allocator(started?.float32Array);
      await ready.catch(() => {});
    },
  };
}

export interface BestBackend {
  kernels: Kernels;
  /** Why the fastest backend (wasm) could not be used, when it could not. */
  fallbackReason?: string;
}

/** The fastest backend this runtime runs, made active: wasm, else the portable js. */
export async function useBestBackend(options: BackendOptions = {}): Promise<BestBackend> {
  try {
    return { kernels: await useBackend('wasm', options) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    return { kernels: await useBackend('js'), fallbackReason: (error as Error).message };
  }
}

/** One line for logs: "wasm relaxed-simd, 2 threads" or "js". */
export function describeBackend(backend: Kernels): string {
  return isWasm(backend) ? backend.description : backend.name;
}

/** Stops the active wasm backend's worker threads and returns to the portable backend. */
export async function closeBackends(): Promise<void> {
  await activate(createJsKernels());
}

/**
 * Makes `backend` the active one, all of it: the kernels every layer uses, where new float32
 * tensors live (a wasm backend's own memory, else the JS heap), and the previously started
 * wasm backend closed (its worker threads stopped). useBackend and closeBackends go through it.
 */
export async function useKernels(backend: Kernels): Promise<void> {
  await activate(backend);
}

/** The wasm backend, loaded the way this platform (Node or a browser) loads it. Not made active. */
export async function loadWasmKernels(options: BackendOptions = {}): Promise<WasmKernels> {
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  const loader = isNode ? await import('./wasm/node.js') : await import('./wasm/web.js');
  return loader.loadWasmKernels(options);
}

async function activate(backend: Kernels): Promise<void> {
  const previous = started;
  setKernels(backend);
  // Float32 tensors made from now on live in the wasm memory, where its kernels use them in place.
  setFloat32Allocator(isWasm(backend) ? backend.float32Array : undefined);
  started = isWasm(backend) ? backend : undefined;
  if (previous && previous !== backend) await previous.close();
}

function isWasm(backend: Kernels): backend is WasmKernels {
  return 'variant' in backend && 'heap' in backend;
}
