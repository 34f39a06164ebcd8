// The mailbox the main thread and the workers share: 48 int32 in shared memory. The main
// thread writes a task (a product, a minibatch gather, a convolution or pooling) and how it is cut into blocks, then bumps
// SEQ and notifies. Every thread (main included) then claims blocks from NEXT until none
// is left, and counts each finished one in DONE; the main thread returns when DONE =
// blocks. A worker that wakes late finds nothing to claim: one that is not scheduled at
// all only costs the speed-up, never a wait.
//
// NEXT holds (task tag << 10) | next block, so a worker that read an older task's
// arguments can never claim a block of a newer one.

export const MAILBOX_INTS = 48;
export const SEQ = 0;
export const OP = 1;
/**
 * gemm: a, b, c, m, n, k, transA, transB, alpha (f32 bits), beta (f32 bits), sparse;
 * gather: src, rows, dst, count, rowBytes;
 * conv forward/backward: the descriptor's offset (assembly/conv.ts);
 * max pool: x, out, argmax, relu (forward) or argmax, dout, dx, y (backward; 0: no relu), then planes, H, W, K, S, P;
 * relu: x, out, length; relu backward: dout, y, dx, length;
 * Adam: w, g, m, v, length, then beta1, beta2, lrT, epsilon (f32 bits).
 */
export const ARGS = 2;
/** 1: blocks are column ranges, 0: row ranges. */
export const SPLIT_COLUMNS = 13;
/** Blocks are whole multiples of this many rows (or columns): the GEMM tile. */
export const TILE = 14;
export const BLOCKS = 15;
export const NEXT = 16;
export const DONE = 32;
/** 0 while every worker lives; else the number (from 1) of the first that failed or died. */
export const FAILED = 33;

export const OP_GEMM = 0;
export const OP_GATHER = 1;
export const OP_EXIT = 2;
export const OP_CONV_FORWARD = 3;
export const OP_CONV_BACKWARD = 4;
export const OP_POOL_FORWARD = 5;
export const OP_POOL_BACKWARD = 6;
/** Element-wise ops, split in ranges of whole vectors: relu (x, out, length), its backward (dout, y, dx, length), Adam (see tasks.ts). */
export const OP_RELU = 7;
export const OP_RELU_BACKWARD = 8;
export const OP_ADAM = 9;

export const BLOCK_BITS = 10;
export const MAX_BLOCKS = 1 << BLOCK_BITS;
const TAG_MASK = (1 << (32 - BLOCK_BITS)) - 1;

/**
 * Rows (or columns) [start, end) of block `block` of `blocks`: whole tiles, dealt out as
 * evenly as they go (25 tiles in 4 blocks: 7, 6, 6, 6), so threads taking turns get equal shares.
 */
export function blockRange(block: number, blocks: number, length: number, tile: number): [start: number, end: number] {
  const tiles = Math.ceil(length / tile);
  const start = Math.floor((block * tiles) / blocks) * tile;
  const end = Math.floor(((block + 1) * tiles) / blocks) * tile;
  return [Math.min(start, length), Math.min(end, length)];
}

/** NEXT's value before any block of task `seq` is claimed. */
export function firstClaim(seq: number): number {
  return (seq & TAG_MASK) << BLOCK_BITS;
}

/** Claims the next block of task `seq`: its index, or −1 when none is left (or the task is gone). */
export function claimBlock(ints: Int32Array, seq: number, blocks: number): number {
  const tag = seq & TAG_MASK;
  for (;;) {
    const next = Atomics.load(ints, NEXT);
    if (next >>> BLOCK_BITS !== tag) return -1;
    const block = next & (MAX_BLOCKS - 1);
    if (block >= blocks) return -1;
    if (Atomics.compareExchange(ints, NEXT, next, next + 1) === next) return block;
  }
}

/**
 * Marks the pool failed by worker `worker` and releases the main thread waiting for DONE:
 * adding MAX_BLOCKS puts DONE past any task's blocks, and the main thread then sees FAILED.
 */
export function reportFailure(ints: Int32Array, worker: number): void {
  Atomics.compareExchange(ints, FAILED, 0, worker);
  Atomics.add(ints, DONE, MAX_BLOCKS);
  Atomics.notify(ints, DONE);
}

/** What a worker needs to start: the compiled kernels, the memory, the mailbox, its scratch. */
export interface WorkerInit {
  /** This worker's number, from 1 (the main thread is 0). */
  worker: number;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the mailbox. */
  mailbox: number;
  /** Byte offset of this worker's gemm scratch. */
  scratch: number;
  /** After a task, poll this long for the next one before sleeping in Atomics.wait. */
  spinMicros: number;
}

/**
 * Waits until ints[index] ≠ value: polls for up to spinMicros (cheap when the change is
 * imminent), then sleeps in Atomics.wait when this thread may block, else keeps polling.
 */
export function waitWhileEqual(ints: Int32Array, index: number, value: number, spinMicros: number, canBlock: boolean): number {
  let current = Atomics.load(ints, index);
  if (current !== value) return current;
  if (spinMicros > 0) {
    const deadline = performance.now() + spinMicros / 1000;
    do {
      for (let i = 0; i < 64; i++) {
        current = Atomics.load(ints, index);
        if (current !== value) return current;
      }
    } while (performance.now() < deadline);
  }
  while ((current = Atomics.load(ints, index)) === value) {
    if (canBlock) Atomics.wait(ints, index, value);
  }
  return current;
}

/** Whether Atomics.wait may block this thread (not on a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
