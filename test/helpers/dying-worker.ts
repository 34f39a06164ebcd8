// Run as a process by kernels-wasm-pool.test.ts: a 2-thread wasm backend whose worker is
// given a scratch address past the end of memory, so its first block of a product traps
// ("memory access out of bounds") and its thread ends mid-task. Prints what the caller saw:
// first with the backend's threads not to be shared (shareThreads false: the worker is given
// no block), then shared.

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { detectWasmFeatures } from '../../src/tensor/kernels/wasm/features.js';
import { spawnNodeWorker } from '../../src/tensor/kernels/wasm/node.js';
import { chooseVariant, createWasmRuntime, MAXIMUM_PAGES, wasmFileName } from '../../src/tensor/kernels/wasm/runtime.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const features = detectWasmFeatures();
const variant = chooseVariant(features)!;
const module = new WebAssembly.Module(readFileSync(fileURLToPath(new URL(`../../../build/wasm/${wasmFileName(variant, true)}`, import.meta.url))));

let worker: Worker | undefined;
const kernels = await createWasmRuntime({
  module,
  variant,
  shared: true,
  threads: 2,
  spawnWorker: async (init) => (worker = (await spawnNodeWorker({ ...init, scratch: MAXIMUM_PAGES * 65536 - 64 })) as Worker),
});
const exitCode = new Promise<number>((resolve) => worker!.once('exit', resolve));

// Large enough to be split in two blocks: this thread takes one, the worker the other.
const size = 512;
const [a, b, c] = [0, 1, 2].map(() => kernels.float32Array!(size * size).fill(0.5)) as [Float32Array, Float32Array, Float32Array];
// Not shared, always split otherwise: the products never reach the worker.
kernels.shareThreads = false;
kernels.adaptiveSplit = false;
let solo = '';
for (let attempt = 0; attempt < 5; attempt++) {
  try {
    kernels.gemm(a, b, c, size, size, size);
  } catch (caught) {
    solo = String(caught);
  }
}
const soloValue = c[size * size - 1];
kernels.shareThreads = true;
kernels.adaptiveSplit = true;

let error = '';
for (let attempt = 0; attempt < 20 && !error; attempt++) {
  try {
    kernels.gemm(a, b, c, size, size, size);
  } catch (caught) {
    error = String(caught);
  }
}
let afterwards = '';
try {
  kernels.gemm(a, b, c, size, size, size);
} catch (caught) {
  afterwards = String(caught);
}
console.log(JSON.stringify({ solo, soloValue, error, exitCode: await exitCode, afterwards }));
await kernels.close();
