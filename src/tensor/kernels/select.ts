// Choosing the kernel backend by name (the CLI's --backend and --threads).

import { createJsKernels } from './js.js';
import { setKernels, type Kernels } from './kernels.js';

export type BackendName = 'js' | 'wasm';
export const BACKENDS: readonly BackendName[] = ['js', 'wasm'];

export interface BackendOptions {
  /** Worker threads for the large products (1 = none). */
  threads?: number;
}

/** Creates the named backend and makes it the active one. */
export async function useBackend(name: BackendName, options: BackendOptions = {}): Promise<Kernels> {
  let backend: Kernels;
  switch (name) {
    case 'js':
      backend = createJsKernels();
      break;
    case 'wasm':
      throw new Error(`backend "wasm" is not available yet (threads ${options.threads ?? 1})`);
  }
  setKernels(backend);
  return backend;
}
