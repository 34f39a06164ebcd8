// Whether to split a task over the threads, learned from the clock. Splitting pays on an
// idle machine; when other processes hold the cores, a worker may be descheduled in the
// middle of its block, and the task then takes longer than on one thread. So for each size
// class (a power of two of flops, or bytes) the backend times both ways and uses the
// faster: the median of the last few timings of each, robust to a warm-up call or a
// preemption. Splitting keeps winning unless one thread is clearly faster (by SPLIT_MARGIN):
// a few slow splits in a noisy spell must not send a task to one thread for long. The other
// way is tried again now and then: one thread every 256th call while splitting wins (each
// try costs a whole task on one thread; against every 64th call, and no margin, the cnn's
// training step measured 0–2% faster in alternating runs); splitting every 8th
// call while one thread wins, as a busy spell that made one thread win often ends soon, and
// a wasted split costs little then.

import type { GemmPool } from './pool.js';

const EXPLORE_SINGLE_EVERY = 256;
const EXPLORE_SPLIT_EVERY = 8;
/** One thread wins only when its median time is below the split's by this factor. */
const SPLIT_MARGIN = 1.15;
/** Timings kept per way; each way is tried this many times before the first choice. */
const SAMPLES = 5;
const FIRST_SAMPLES = 3;

interface SizeClass {
  calls: number;
  /** Recent seconds per unit of work, split and on one thread (ring buffers). */
  split: number[];
  single: number[];
}

export class SplitPolicy {
  private readonly classes = new Map<number, SizeClass>();

  /**
   * How to run a task of `work` units (flops, bytes) this time: split, on one thread, or on
   * one thread while waking the workers, because the next call will try splitting (a worker
   * asleep since the last split wakes too late to help, and splitting would look slower
   * than it is).
   */
  decide(work: number): 'split' | 'single' | 'single-wake' {
    const size = this.classOf(work);
    size.calls++;
    if (size.split.length < FIRST_SAMPLES || size.single.length < FIRST_SAMPLES) {
      return size.split.length <= size.single.length ? 'split' : 'single';
    }
    if (median(size.split) <= median(size.single) * SPLIT_MARGIN) return size.calls % EXPLORE_SINGLE_EVERY === 0 ? 'single' : 'split';
    if (size.calls % EXPLORE_SPLIT_EVERY === 0) return 'split';
    return (size.calls + 1) % EXPLORE_SPLIT_EVERY === 0 ? 'single-wake' : 'single';
  }

  record(work: number, split: boolean, seconds: number): void {
    const size = this.classOf(work);
    const ring = split ? size.split : size.single;
    if (ring.length === SAMPLES) ring.shift();
    ring.push(seconds / work);
  }

  private classOf(work: number): SizeClass {
    const key = Math.round(Math.log2(work));
    let size = this.classes.get(key);
    if (!size) this.classes.set(key, (size = { calls: 0, split: [], single: [] }));
    return size;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** A task of `blocks` blocks (pool.runBlocks' op and int32 args), worth `work` units, split only from `minWork` on. */
export interface BlockTask {
  work: number;
  minWork: number;
  op: number;
  args: readonly number[];
  blocks: number;
}

/**
 * Runs the task's blocks, split over the pool's threads when the policy finds that it pays
 * (`one` runs a block on this thread); settings as the backend's (see backend.ts).
 */
export function runBlocksSplit(
  pool: GemmPool | undefined, settings: { adaptiveSplit: boolean; shareThreads: boolean }, policy: SplitPolicy, task: BlockTask, one: (block: number) => void,
): void {
  const { work, blocks } = task;
  const mayShare = pool !== undefined && settings.shareThreads && work >= task.minWork && blocks > 1;
  const decision = mayShare ? (settings.adaptiveSplit ? policy.decide(work) : 'split') : 'single';
  const share = decision === 'split';
  if (decision === 'single-wake') pool?.wake();
  const start = mayShare ? performance.now() : 0;
  if (share && pool) pool.runBlocks(task.op, task.args, blocks);
  else for (let block = 0; block < blocks; block++) one(block);
  if (mayShare) policy.record(work, share, (performance.now() - start) / 1000);
}
