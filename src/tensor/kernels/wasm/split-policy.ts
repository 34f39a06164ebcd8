// Whether to split a task over the threads, learned from the clock. Splitting pays on an
// idle machine; when other processes hold the cores, a worker may be descheduled in the
// middle of its block, and the task then takes longer than on one thread. So for each size
// class (a power of two of flops, or bytes) the backend times both ways and uses the
// faster: the median of the last few timings of each, robust to a warm-up call or a
// preemption. The other way is tried again now and then: one thread every 64th call while
// splitting wins; splitting every 16th call while one thread wins, as a busy spell that
// made one thread win often ends soon, and a wasted split costs little then.

const EXPLORE_SINGLE_EVERY = 64;
const EXPLORE_SPLIT_EVERY = 16;
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

  /** Whether to split a task of `work` units (flops, bytes) this time. */
  shouldSplit(work: number): boolean {
    const size = this.classOf(work);
    size.calls++;
    if (size.split.length < FIRST_SAMPLES || size.single.length < FIRST_SAMPLES) return size.split.length <= size.single.length;
    const splitIsFaster = median(size.split) <= median(size.single);
    const explore = size.calls % (splitIsFaster ? EXPLORE_SINGLE_EVERY : EXPLORE_SPLIT_EVERY) === 0;
    return explore ? !splitIsFaster : splitIsFaster;
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
