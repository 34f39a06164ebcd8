// Worker threads that share the kernels' memory and take blocks of a large GEMM, of a
// minibatch gather, of a convolution or a pooling (see control.ts for the protocol); the main thread works on the blocks
// too. Waking a sleeping worker costs tens of µs, so the backend posts only tasks large
// enough to gain (see split-policy.ts).

import {
  ARGS, BLOCKS, canBlock, DONE, FAILED, firstClaim, MAILBOX_INTS, NEXT, OP, OP_EXIT, OP_GATHER, OP_GEMM, SEQ, SPLIT_COLUMNS, TILE,
  waitWhileEqual, type WorkerInit,
} from './control.js';
import type { KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import { workOnTask } from './tasks.js';

/**
 * The main thread, its blocks done, polls this long for the workers' before sleeping: long
 * enough for a block of a training step, short enough not to hold for long the core that
 * a descheduled worker needs.
 */
const MAIN_SPIN_MICROS = 200;

export interface WorkerHandle {
  terminate(): unknown;
}

/** Starts one worker running runWorker(init); resolves once it is ready for tasks. */
export type SpawnWorker = (init: WorkerInit) => Promise<WorkerHandle>;

export interface GemmArgs {
  a: number;
  b: number;
  c: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Skip A's zeros (decided once per product: see assembly/gemm-sparse.ts). */
  sparse: boolean;
}

/** How a task is cut: into `blocks` ranges of whole `tile`s of rows (or columns of C). */
export interface Split {
  columns: boolean;
  tile: number;
  blocks: number;
}

export class GemmPool {
  private readonly mainMayBlock = canBlock();
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly wasm: KernelExports,
    private readonly ints: Int32Array,
    private readonly floats: Float32Array,
    private readonly scratch: number,
    private readonly handles: readonly WorkerHandle[],
  ) {}

  /** Starts `workers` workers; `scratch` is the main thread's gemm scratch. */
  static async start(
    wasm: KernelExports, heap: WasmHeap, module: WebAssembly.Module, workers: number, scratch: number, spawn: SpawnWorker, spinMicros: number,
  ): Promise<GemmPool> {
    const mailbox = heap.alloc(MAILBOX_INTS * 4);
    const ints = new Int32Array(heap.memory.buffer, mailbox, MAILBOX_INTS);
    const floats = new Float32Array(heap.memory.buffer, mailbox, MAILBOX_INTS);
    ints.fill(0);
    const scratchBytes = wasm.gemmScratchBytes();
    const inits: WorkerInit[] = [];
    for (let w = 0; w < workers; w++) inits.push({ worker: w + 1, module, memory: heap.memory, mailbox, scratch: heap.alloc(scratchBytes), spinMicros });
    const started = await Promise.allSettled(inits.map(spawn));
    const handles = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      // NOTE: the workers that did start would otherwise live on, holding the memory.
      await Promise.all(handles.map((handle) => handle.terminate()));
      throw failure.reason;
    }
    return new GemmPool(wasm, ints, floats, scratch, handles);
  }

  get workers(): number {
    return this.handles.length;
  }

  /** Computes the product, its blocks shared between this thread and the workers. */
  run(args: GemmArgs, split: Split): void {
    const { ints, floats } = this;
    const g = ARGS;
    ints[g] = args.a;
    ints[g + 1] = args.b;
    ints[g + 2] = args.c;
    ints[g + 3] = args.m;
    ints[g + 4] = args.n;
    ints[g + 5] = args.k;
    ints[g + 6] = args.transA ? 1 : 0;
    ints[g + 7] = args.transB ? 1 : 0;
    floats[g + 8] = args.alpha;
    floats[g + 9] = args.beta;
    ints[g + 10] = args.sparse ? 1 : 0;
    this.post(OP_GEMM, split);
  }

  /**
   * dst[b, :] = src[rows[b], :] (byte offsets; rows: int32; rowBytes: of dst), the rows shared
   * out in `blocks` blocks; `pixels`: src rows are bytes, converted to floats (byte / 255).
   */
  gather(src: number, rows: number, dst: number, count: number, rowBytes: number, blocks: number, pixels = false): void {
    const { ints } = this;
    const g = ARGS;
    ints[g] = src;
    ints[g + 1] = rows;
    ints[g + 2] = dst;
    ints[g + 3] = count;
    ints[g + 4] = rowBytes;
    ints[g + 5] = pixels ? 1 : 0;
    this.post(OP_GATHER, { columns: false, tile: 1, blocks: Math.min(blocks, count) });
  }

  /**
   * Task `op` whose arguments are int32s (a convolution's descriptor, a pooling's sizes),
   * cut into `blocks` blocks that the kernel itself maps to images or planes.
   */
  runBlocks(op: number, args: readonly number[], blocks: number): void {
    if (args.length > SPLIT_COLUMNS - ARGS) throw new Error(`GemmPool: ${args.length} arguments do not fit the mailbox`);
    for (let i = 0; i < args.length; i++) this.ints[ARGS + i] = args[i]!;
    this.post(op, { columns: false, tile: 1, blocks });
  }

  /** Wakes the workers (a task of no blocks): they poll for the next task for a while. */
  wake(): void {
    this.post(OP_GEMM, { columns: false, tile: 1, blocks: 0 });
  }

  /** Posts the task whose arguments are written, works on it, returns when every block is done. */
  private post(op: number, split: Split): void {
    if (this.closed) throw new Error('GemmPool: used after close()');
    const { ints, floats } = this;
    const seq = (this.seq = (this.seq + 1) | 0);
    ints[OP] = op;
    ints[SPLIT_COLUMNS] = split.columns ? 1 : 0;
    ints[TILE] = split.tile;
    ints[BLOCKS] = split.blocks;
    Atomics.store(ints, DONE, 0);
    Atomics.store(ints, NEXT, firstClaim(seq));
    Atomics.store(ints, SEQ, seq);
    Atomics.notify(ints, SEQ);
    workOnTask(this.wasm, ints, floats, seq, this.scratch);
    let done = Atomics.load(ints, DONE);
    while (done < split.blocks) done = waitWhileEqual(ints, DONE, done, MAIN_SPIN_MICROS, this.mainMayBlock);
    const failed = Atomics.load(ints, FAILED);
    if (failed !== 0) {
      void this.close();
      throw new Error(`kernel worker ${failed} of ${this.workers} failed or died during a task: the wasm backend is closed (start it again with useBackend)`);
    }
  }

  /** Tells every worker to exit and terminates it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ints, OP, OP_EXIT);
    Atomics.add(this.ints, SEQ, 1);
    Atomics.notify(this.ints, SEQ);
    await Promise.all(this.handles.map((handle) => handle.terminate()));
  }
}
