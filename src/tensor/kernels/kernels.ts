// The active backend: the one slot every layer reads its kernels from (the interface is in
// kernel-interface.ts). Switch backends with useBackend / useKernels (select.ts), which also
// move the tensor allocator and stop the previous backend's workers; setKernels alone does not.

import type { Kernels } from './kernel-interface.js';
import { createJsKernels } from './js.js';

export type { ConvShape, GemmOptions, Kernels, LabelIndices } from './kernel-interface.js';

let active: Kernels | undefined;

/** The backend every layer uses: the portable one until another is chosen. */
export function kernels(): Kernels {
  return (active ??= createJsKernels());
}

export function setKernels(backend: Kernels): void {
  active = backend;
}
