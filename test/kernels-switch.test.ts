// One call switches the backend, all of it: the kernels every layer uses, where new tensors
// live, and the previous wasm backend's worker threads stopped. Back and forth, nothing leaks.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { createJsKernels } from '../src/tensor/kernels/js.js';
import { kernels } from '../src/tensor/kernels/kernels.js';
import { closeBackends, loadWasmKernels, useBackend, useKernels } from '../src/tensor/kernels/select.js';
import { Tensor } from '../src/tensor/tensor.js';

/** The OS threads of this process (Linux): a wasm worker is one thread. */
const threadCount = (): number => readdirSync('/proc/self/task').length;
/** Whether new float32 tensors are placed in shared (wasm) memory. */
const tensorsInWasm = (): boolean => Tensor.zeros([4]).data.buffer instanceof SharedArrayBuffer;

/** Worker threads need a moment to end after terminate(). */
async function settledThreads(expected: number): Promise<number> {
  for (let i = 0; i < 100 && threadCount() > expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return threadCount();
}

test('switching backends back and forth moves the kernels and the allocator, and leaves no worker alive', { skip: process.platform !== 'linux' && 'counts threads in /proc' }, async () => {
  const baseline = threadCount();
  for (let round = 0; round < 3; round++) {
    const wasm = await useBackend('wasm', { threads: 3 });
    assert.equal(kernels(), wasm);
    assert.ok(tensorsInWasm(), 'new tensors live in the wasm memory');
    assert.equal(threadCount(), baseline + 2, 'two worker threads while wasm runs on 3 threads');

    // Through the one public switch, with a backend made elsewhere.
    const js = createJsKernels();
    await useKernels(js);
    assert.equal(kernels(), js);
    assert.ok(!tensorsInWasm(), 'new tensors back on the JS heap');
    assert.equal(await settledThreads(baseline), baseline, 'the wasm workers stopped');
  }

  // A wasm backend loaded but switched to by useKernels is started and stopped the same way.
  const loaded = await loadWasmKernels({ threads: 2 });
  await useKernels(loaded);
  assert.ok(tensorsInWasm());
  await closeBackends();
  assert.ok(!tensorsInWasm());
  assert.equal(kernels().name, 'js');
  assert.equal(await settledThreads(baseline), baseline);
});
