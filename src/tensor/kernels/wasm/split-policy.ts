// Whether to split a product over the threads, learned from the clock. Splitting pays
// on an idle machine; when other processes hold the cores, a worker may be descheduled
// mid-block and the product then takes longer than on one thread. So for each size class
// (a power of two of flops) the backend times both ways and uses the faster, trying the
// other one every EXPLORE_EVERY-th call to notice when the machine changes.

const EXPLORE_EVERY = 32;
/** Weight of the newest timing in the running average. */
const SMOOTHING = 0.25;

interface SizeClass {
  calls: number;
  /** Running average of seconds per flop, split and on one thread (NaN: not timed yet). */
  split: number;
  single: number;
}

export class SplitPolicy {
  private readonly classes = new Map<number, SizeClass>();

  /** Whether to split a product of `flops` flops this time. */
  shouldSplit(flops: number): boolean {
    const size = this.classOf(flops);
    size.calls++;
    if (Number.isNaN(size.split)) return true;
    if (Number.isNaN(size.single)) return false;
    const splitIsFaster = size.split <= size.single;
    return size.calls % EXPLORE_EVERY === 0 ? !splitIsFaster : splitIsFaster;
  }

  record(flops: number, split: boolean, seconds: number): void {
    const size = this.classOf(flops);
    const perFlop = seconds / flops;
    const key = split ? 'split' : 'single';
    const old = size[key];
    size[key] = Number.isNaN(old) ? perFlop : old + SMOOTHING * (perFlop - old);
  }

  private classOf(flops: number): SizeClass {
    const key = Math.round(Math.log2(flops));
    let size = this.classes.get(key);
    if (!size) this.classes.set(key, (size = { calls: 0, split: NaN, single: NaN }));
    return size;
  }
}
