// The backends every kernel test runs: the portable one and each way the wasm backend
// runs (both builds, one and several threads). Several threads split every product
// (minParallelFlops = minParallelGatherBytes = 0, no adaptive choice), so tiny shapes
// exercise the pool's blocks too.

import assert from 'node:assert/strict';
import { createJsKernels } from '../../src/tensor/kernels/js.js';
import type { Kernels } from '../../src/tensor/kernels/kernels.js';
import { loadWasmKernels } from '../../src/tensor/kernels/select.js';
import type { WasmKernels } from '../../src/tensor/kernels/wasm/backend.js';

export interface Backend {
  label: string;
  kernels: Kernels;
  /** A float32 array the backend uses in place (its own memory), or a plain one. */
  float32(length: number): Float32Array;
}

export async function backendsUnderTest(): Promise<{ backends: Backend[]; close(): Promise<void> }> {
  const wasm: WasmKernels[] = [
    await loadWasmKernels({ threads: 1 }),
    await loadWasmKernels({ threads: 1, variant: 'simd' }),
    await loadWasmKernels({ threads: 2 }),
    await loadWasmKernels({ threads: 3, variant: 'simd' }),
  ];
  for (const backend of wasm) {
    backend.minParallelFlops = 0;
    backend.minParallelGatherBytes = 0;
    backend.adaptiveSplit = false;
  }
  const backends: Backend[] = [{ label: 'js', kernels: createJsKernels(), float32: (length) => new Float32Array(length) }];
  for (const backend of wasm) {
    const own = backend.float32Array;
    if (!own) throw new Error('expected shared memory in Node');
    backends.push({ label: backend.description, kernels: backend, float32: own });
  }
  return { backends, close: async () => void (await Promise.all(wasm.map((backend) => backend.close()))) };
}

/** Uniform values in [−1, 1) from a small deterministic generator (xorshift). */
export function randomFill(data: Float32Array | Float64Array, seed: number): void {
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = ((state >>> 0) / 4294967296) * 2 - 1;
  }
}

/** Fails at the first value off by more than tolerance · max(1, |expected|). */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    if (!(error <= tolerance * Math.max(1, Math.abs(expected[i]!)))) assert.fail(`${what}: [${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Zeroed bytes where the backend keeps its arrays (a pooling's argmax). */
export function bytesOf(backend: Backend, length: number): Uint8Array {
  const storage = backend.float32(Math.ceil(length / 4));
  return new Uint8Array(storage.buffer, storage.byteOffset, length);
}
