// Small timing helpers shared by the systems' micro-benchmarks.

/** Best time of one call (seconds) over 5 rounds, each round at least minSeconds / 5 long. */
export function bestSecondsPerCall(fn: () => void, minSeconds: number): number {
  fn();
  const t0 = performance.now();
  fn();
  const once = Math.max((performance.now() - t0) / 1000, 1e-7);
  const calls = Math.max(1, Math.floor(minSeconds / 5 / once));
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) fn();
    best = Math.min(best, (performance.now() - start) / 1000 / calls);
  }
  return best;
}

/** Median duration (µs) of `samples` timed calls, after `warmup` untimed ones. */
export function medianMicroseconds(fn: (i: number) => void, samples: number, warmup = 200): number {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  return times[samples >> 1]!;
}

/** GFLOP/s of an M·K·N matrix product taking `seconds`. */
export function gflops(m: number, k: number, n: number, seconds: number): number {
  return (2 * m * k * n) / seconds / 1e9;
}

export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}
