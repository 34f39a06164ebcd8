// Where skipping A's zeros starts to pay: the first layer's two products (X·W1: 100×784·50,
// Xᵀ·dH: 784×100·50) on the wasm backend, one thread, dense and forced sparse, for random A
// of growing density and for a batch of real MNIST images. Run: npm run bench:sparse
//
// The crossover sets SPARSE_MAX_DENSITY (src/tensor/kernels/js-sparse.ts).

import { loadMnistPackage } from '../src/data/mnist-files.js';
import type { Kernels } from '../src/tensor/kernels/kernels.js';
import { closeBackends, useBackend } from '../src/tensor/kernels/select.js';
import type { WasmKernels } from '../src/tensor/kernels/wasm/backend.js';
import { Rng } from '../src/tensor/rng.js';
import { allocate } from '../src/tensor/tensor.js';
import { bestSecondsPerCall } from './timing.js';

const DENSITIES = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8];

/** µs per call of the two products with A as given, dense and sparse. */
function timeProducts(k: WasmKernels, a: Float32Array): number[] {
  const rng = new Rng(2);
  const w = allocate('float32', 784 * 50);
  const dh = allocate('float32', 100 * 50);
  for (const t of [w, dh]) for (let i = 0; i < t.length; i++) t[i] = rng.uniform() - 0.5;
  const h = allocate('float32', 100 * 50);
  const dw = allocate('float32', 784 * 50);
  const micros: number[] = [];
  for (const sparse of [false, true]) {
    k.sparseInputs = sparse;
    micros.push(bestSecondsPerCall(() => k.gemm(a, w, h, 100, 50, 784), 0.3) * 1e6);
    micros.push(bestSecondsPerCall(() => k.gemm(a, dh, dw, 784, 50, 100, { transA: true }), 0.3) * 1e6);
  }
  k.sparseInputs = true;
  return micros;
}

function row(label: string, [denseForward, denseGradient, sparseForward, sparseGradient]: number[]): string {
  const cell = (dense: number, sparse: number) => `${dense.toFixed(0).padStart(6)} → ${sparse.toFixed(0).padStart(4)} µs (${(dense / sparse).toFixed(2)}×)`.padEnd(28);
  return `| ${label.padEnd(17)} | ${cell(denseForward!, sparseForward!)} | ${cell(denseGradient!, sparseGradient!)} |`;
}

async function main(): Promise<void> {
  const k = (await useBackend('wasm', { threads: 1 })) as Kernels as WasmKernels;
  k.sparseMaxDensity = 1; // forced: the sparse path whenever sparseInputs is on
  const a = allocate('float32', 100 * 784) as Float32Array;
  const rng = new Rng(1);
  console.log(`wasm ${k.variant}, 1 thread: dense → sparse, A = 100×784 (X·W1) and its transpose (Xᵀ·dH)\n`);
  console.log('| A                 | X·W1 100×784·50              | Xᵀ·dH 784×100·50             |');
  console.log('|-------------------|------------------------------|------------------------------|');
  for (const density of DENSITIES) {
    for (let i = 0; i < a.length; i++) a[i] = rng.uniform() < density ? rng.uniform() : 0;
    console.log(row(`random, ${Math.round(density * 100)}% ≠ 0`, timeProducts(k, a)));
  }
  const images = loadMnistPackage().train.images.data;
  a.set(images.subarray(0, a.length));
  let nonzeros = 0;
  for (const v of a) if (v !== 0) nonzeros++;
  console.log(row(`MNIST, ${Math.round((100 * nonzeros) / a.length)}% ≠ 0`, timeProducts(k, a)));
  await closeBackends();
}

await main();
