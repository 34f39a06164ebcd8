// A worker pool that cannot hang: a worker that fails to start takes the started ones down
// with it, and a worker that dies in the middle of a task is an error for the caller, not
// an endless wait. The workers are real Node worker threads running the real worker entry
// (the dying one: helpers/dying-worker.ts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { detectWasmFeatures } from '../src/tensor/kernels/wasm/features.js';
import { spawnNodeWorker } from '../src/tensor/kernels/wasm/node.js';
import type { SpawnWorker } from '../src/tensor/kernels/wasm/pool.js';
import { chooseVariant, createWasmRuntime, wasmFileName } from '../src/tensor/kernels/wasm/runtime.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const features = detectWasmFeatures();
const variant = chooseVariant(features)!;
const buildFile = fileURLToPath(new URL(`../../build/wasm/${wasmFileName(variant, true)}`, import.meta.url));
const module = new WebAssembly.Module(readFileSync(buildFile));

const runtime = (threads: number, spawnWorker: SpawnWorker) => createWasmRuntime({ module, variant, shared: true, threads, spawnWorker });

describe('the wasm worker pool', { timeout: 60_000, skip: !features.sharedMemory && 'no shared WebAssembly memory here' }, () => {
  it('a worker that fails to start: the ones already started are terminated, the error reaches the caller', async () => {
    const started: Worker[] = [];
    let calls = 0;
    const spawn: SpawnWorker = async (init) => {
      if (++calls === 2) throw new Error('gemm worker failed to start: no thread for you');
      const handle = (await spawnNodeWorker(init)) as Worker;
      started.push(handle);
      return handle;
    };
    await assert.rejects(runtime(3, spawn), /no thread for you/);
    assert.equal(started.length, 1, 'one worker was up before the other failed');
    assert.equal(started[0]!.threadId, -1, 'the started worker was terminated (a terminated Worker has threadId −1)');
  });

  it('a worker that dies during a task: the product throws instead of waiting forever, and the pool closes; with shareThreads false it is given no task', () => {
    // In a child process: were the product to wait forever, it would block this process's
    // event loop, and the test runner's own timeout with it.
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./helpers/dying-worker.js', import.meta.url))], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, null, 'the product waited forever (killed after 60 s)');
    assert.equal(child.status, 0, child.stderr);
    const seen = JSON.parse(child.stdout) as { solo: string; soloValue: number; error: string; exitCode: number; afterwards: string };
    assert.equal(seen.solo, '', 'with shareThreads false no product reached the worker');
    assert.equal(seen.soloValue, 128, 'and this thread computed it alone (512 · 0.5 · 0.5)');
    assert.match(seen.error, /kernel worker 1 of 1 failed or died during a task/);
    assert.notEqual(seen.exitCode, 0, 'the worker thread ended with an error');
    assert.match(seen.afterwards, /used after close/);
  });
});
