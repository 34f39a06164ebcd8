// The machinery around the wasm kernels: the memory allocator, the choice of build (the
// fallback chain relaxed SIMD → SIMD → portable JS), and the worker pool's manners: idle
// workers sleep, and they never keep the process alive.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/errors.js';
import { loadWasmKernels, useBackend } from '../src/tensor/kernels/select.js';
import { WasmHeap } from '../src/tensor/kernels/wasm/heap.js';
import { chooseVariant } from '../src/tensor/kernels/wasm/runtime.js';
import { splitGemm } from '../src/tensor/kernels/wasm/backend.js';
import { blockRange } from '../src/tensor/kernels/wasm/control.js';
import { SplitPolicy } from '../src/tensor/kernels/wasm/split-policy.js';

const selectModule = fileURLToPath(new URL('../src/tensor/kernels/select.js', import.meta.url));

/** Runs an ES module snippet in a fresh node; returns its stdout. */
function runNode(code: string, flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20000 });
}

describe('WasmHeap', () => {
  const heapOf = (pages = 1): WasmHeap => new WasmHeap(new WebAssembly.Memory({ initial: pages, maximum: 1000, shared: true }), 100);

  it('hands out aligned blocks, reuses and merges freed ones, lowers the top', () => {
    const heap = heapOf();
    const a = heap.alloc(10);
    const b = heap.alloc(100);
    const c = heap.alloc(64);
    assert.equal(a % 64, 0);
    assert.ok(a >= 100 && b >= a + 64 && c >= b + 128);
    heap.release(b);
    heap.release(a);
    assert.equal(heap.alloc(150), a, 'a and b merged into one free block');
    const top = heap.highWater;
    heap.release(c);
    assert.equal(heap.highWater, c, 'freeing the last block lowers the top');
    assert.ok(heap.highWater < top);
    assert.throws(() => heap.release(c), /not an allocated block/);
  });

  it('grows the memory; views made before growth stay valid and are recognized', () => {
    const heap = heapOf();
    const early = heap.float32Array(100);
    early[99] = 7;
    const big = heap.float32Array(5_000_000);
    assert.ok(heap.memory.buffer.byteLength >= 20_000_000);
    assert.equal(early[99], 7);
    assert.equal(heap.offsetOf(early), early.byteOffset);
    assert.equal(heap.offsetOf(big.subarray(10)), big.byteOffset + 40);
    assert.equal(heap.offsetOf(new Float32Array(4)), -1);
  });

  it('zeroes reused memory', () => {
    const heap = heapOf();
    const start = heap.alloc(256);
    heap.bytes.fill(9, start, start + 256);
    heap.release(start);
    const view = heap.float32Array(64);
    assert.equal(view.byteOffset, start);
    assert.ok(view.every((v) => v === 0));
  });
});

describe('choosing the build', () => {
  it('falls back from relaxed SIMD to SIMD to none', () => {
    assert.equal(chooseVariant({ simd: true, relaxedSimd: true, sharedMemory: true }), 'relaxed-simd');
    assert.equal(chooseVariant({ simd: true, relaxedSimd: false, sharedMemory: true }), 'simd');
    assert.equal(chooseVariant({ simd: true, relaxedSimd: true, sharedMemory: false }, 'simd'), 'simd');
    assert.equal(chooseVariant({ simd: true, relaxedSimd: false, sharedMemory: true }, 'relaxed-simd'), undefined);
    assert.equal(chooseVariant({ simd: false, relaxedSimd: false, sharedMemory: true }), undefined);
  });

  it('runs the plain SIMD build when the engine has no relaxed SIMD', () => {
    const out = runNode(`
      import { loadWasmKernels } from ${JSON.stringify(selectModule)};
      import { detectWasmFeatures } from ${JSON.stringify(selectModule.replace('select.js', 'wasm/features.js'))};
      const backend = await loadWasmKernels({ threads: 1, enableRelaxedSimd: false });
      const c = new Float32Array(1);
      backend.gemm(Float32Array.of(2, 3), Float32Array.of(4, 5), c, 1, 1, 2);
      console.log(JSON.stringify({ variant: backend.variant, relaxed: detectWasmFeatures().relaxedSimd, c: c[0] }));`);
    const { variant, relaxed, c } = JSON.parse(out) as { variant: string; relaxed: boolean; c: number };
    assert.equal(variant, relaxed ? 'relaxed-simd' : 'simd');
    assert.equal(c, 23);
  });

  it('falls back to the portable kernels without WebAssembly, saying why', () => {
    const out = runNode(
      `import { useBestBackend, describeBackend } from ${JSON.stringify(selectModule)};
       const best = await useBestBackend();
       console.log(describeBackend(best.kernels) + ' | ' + best.fallbackReason);`,
      ['--jitless'],
    );
    assert.match(out, /^js \| WebAssembly SIMD is not supported/);
  });

  it('rejects a bad thread count as bad input', async () => {
    await assert.rejects(useBackend('wasm', { threads: 0 }), InputError);
    await assert.rejects(useBackend('wasm', { threads: 1.5 }), /--threads must be a positive integer, got 1.5/);
  });
});

describe('cutting a task into blocks', () => {
  it('deals whole tiles out evenly and covers every row once', () => {
    const sizes = [0, 1, 2, 3].map((b) => blockRange(b, 4, 100, 4)).map(([start, end]) => end - start);
    assert.deepEqual(sizes.map((rows) => rows / 4).sort(), [6, 6, 6, 7]);
    for (const [length, tile, blocks] of [[100, 4, 4], [98, 4, 3], [50, 8, 7], [7, 1, 7], [1, 4, 1], [1253, 4, 8]] as const) {
      let next = 0;
      for (let b = 0; b < blocks; b++) {
        const [start, end] = blockRange(b, blocks, length, tile);
        assert.equal(start, next, `${length}/${tile}/${blocks}: block ${b} starts where the last ended`);
        assert.ok(end > start, `${length}/${tile}/${blocks}: block ${b} is not empty`);
        if (end < length) assert.equal(end % tile, 0, 'blocks end on a tile boundary');
        next = end;
      }
      assert.equal(next, length);
    }
  });

  it('cuts the larger dimension of C, never into more blocks than tiles', () => {
    assert.deepEqual(splitGemm(100, 50, 4), { columns: false, tile: 4, blocks: 4 });
    assert.deepEqual(splitGemm(100, 784, 4), { columns: true, tile: 8, blocks: 4 });
    assert.deepEqual(splitGemm(6, 2, 4), { columns: false, tile: 4, blocks: 2 });
  });
});

describe('split policy', () => {
  /** Runs `calls` tasks of 1e7 flops timed by `seconds(split, call)`; counts the splits. */
  function splits(policy: SplitPolicy, calls: number, seconds: (split: boolean, call: number) => number): number {
    let count = 0;
    for (let i = 0; i < calls; i++) {
      const decision = policy.decide(1e7);
      const share = decision === 'split';
      policy.record(1e7, share, seconds(share, i));
      if (share) count++;
    }
    return count;
  }

  it('times both ways, keeps the faster, tries the other now and then, and follows a change', () => {
    const policy = new SplitPolicy();
    const quiet = (split: boolean): number => (split ? 1e-4 : 2e-4);
    // 3 tries each way first, then one thread only on call 256
    assert.equal(splits(policy, 320, quiet), 320 - 3 - 1);
    const busy = (split: boolean): number => (split ? 4e-4 : 2e-4);
    const afterChange = splits(policy, 640, busy);
    // one thread wins now: split again only every 8th call
    assert.ok(afterChange >= 640 / 8 && afterChange < 640 / 8 + 5, `the machine got busy: split ${afterChange} of 640`);
    const quietAgain = splits(policy, 640, quiet);
    assert.ok(quietAgain > 640 - 640 / 256 - 30, `the machine is quiet again: split ${quietAgain} of 640`);
  });

  it('keeps splitting unless one thread is faster by more than the margin', () => {
    const policy = new SplitPolicy();
    // one thread 10% faster: within the margin, splitting stays
    const close = splits(policy, 200, (split) => (split ? 1.1e-4 : 1e-4));
    assert.ok(close > 190, `one thread 10% faster: split ${close} of 200`);
    const clear = splits(policy, 200, (split) => (split ? 1.3e-4 : 1e-4));
    assert.ok(clear < 200 / 8 + 5, `one thread 30% faster: split ${clear} of 200`);
  });

  it('is not fooled by a slow first call (warm-up) or a preemption', () => {
    const policy = new SplitPolicy();
    const spiky = (split: boolean, call: number): number => (call === 0 || call === 50 ? 1 : split ? 1e-4 : 2e-4);
    assert.ok(splits(policy, 100, spiky) > 85);
    assert.equal(policy.decide(1e7), 'split');
  });

  it('wakes the workers one call before it tries splitting again', () => {
    const policy = new SplitPolicy();
    const decisions: string[] = [];
    for (let i = 0; i < 48; i++) {
      const decision = policy.decide(1e7);
      decisions.push(decision);
      policy.record(1e7, decision === 'split', decision === 'split' ? 4e-4 : 2e-4);
    }
    for (let i = 6; i < 48; i++) {
      const call = i + 1;
      const expected = call % 8 === 0 ? 'split' : (call + 1) % 8 === 0 ? 'single-wake' : 'single';
      assert.equal(decisions[i], expected, `call ${call}`);
    }
  });

  it('learns each size class on its own', () => {
    const policy = new SplitPolicy();
    splits(policy, 100, (split) => (split ? 4e-4 : 2e-4));
    assert.notEqual(policy.decide(1e7), 'split');
    assert.equal(policy.decide(1e9), 'split', 'an untimed size is tried split first');
  });
});

describe('worker pool', () => {
  it('idle workers sleep instead of polling', async () => {
    const backend = await loadWasmKernels({ threads: 2 });
    try {
      backend.minParallelFlops = 0;
      backend.adaptiveSplit = false;
      const a = backend.float32Array!(200 * 300);
      const b = backend.float32Array!(300 * 40);
      backend.gemm(a, b, backend.float32Array!(200 * 40), 200, 40, 300);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      assert.ok(ms < 100, `the process used ${ms.toFixed(0)} ms of CPU in 500 ms of idleness`);
    } finally {
      await backend.close();
    }
  });

  it('never keeps the process alive, and close() stops it', () => {
    const code = `
      import { useBackend, closeBackends } from ${JSON.stringify(selectModule)};
      const backend = await useBackend('wasm', { threads: 2 });
      backend.minParallelFlops = 0;
      backend.adaptiveSplit = false;
      const c = backend.float32Array(64 * 64);
      backend.gemm(backend.float32Array(64 * 64).fill(1), backend.float32Array(64 * 64).fill(1), c, 64, 64, 64);
      if (process.argv.includes('close')) await closeBackends();
      console.log(c[0]);`;
    const started = Date.now();
    assert.equal(runNode(code).trim(), '64');
    assert.equal(runNode(code.replace("process.argv.includes('close')", 'true')).trim(), '64');
    assert.ok(Date.now() - started < 15000);
  });

  it('refuses work after close()', async () => {
    const backend = await loadWasmKernels({ threads: 2 });
    backend.minParallelFlops = 0;
      backend.adaptiveSplit = false;
    await backend.close();
    assert.throws(() => backend.gemm(backend.float32Array!(4), backend.float32Array!(4), backend.float32Array!(4), 2, 2, 2), /after close/);
  });
});
