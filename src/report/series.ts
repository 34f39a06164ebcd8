// Shaping long, noisy series for drawing: a centered moving average, and min/max buckets that
// keep every spike visible while drawing a few hundred points instead of tens of thousands.

export type Series = ArrayLike<number>;

/**
 * Centered moving average for training curves, over an odd `window` of points:
 *   out[i] = mean of the finite y[j] with i − h(i) ≤ j ≤ min(i + h(i), n − 1),
 *   h(i) = min((window − 1)/2, ⌊i/4⌋).
 * - No lag: the window is centered on i, except where it runs past the last point.
 * - Early on the window spans only ±25 % of the iteration number: a loss curve falls fastest
 *   at the start, and a wide average there would flatten the fall (the widening is geometric,
 *   like smoothing on a log axis).
 * - At the right end the window is cut at the last point rather than shrunk around i, so the
 *   curve does not end on one noisy minibatch (the cost: a lag of h/2 iterations there, small
 *   where the curve has flattened). A line fit there would remove the lag but doubles the
 *   noise of the end point; on real runs that drew a false hook.
 * Non-finite values are skipped; a window holding none gives NaN.
 */
export function movingAverage(values: Series, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new RangeError(`window must be an odd positive integer, got ${window}`);
  }
  const n = values.length;
  // Prefix sums of the finite values and of how many there are.
  const sum = new Float64Array(n + 1);
  const count = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const finite = Number.isFinite(v);
    sum[i + 1] = sum[i]! + (finite ? v : 0);
    count[i + 1] = count[i]! + (finite ? 1 : 0);
  }
  const half = (window - 1) / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h = Math.min(half, Math.floor(i / 4));
    const lo = i - h;
    const hi = Math.min(n, i + h + 1);
    const c = count[hi]! - count[lo]!;
    out[i] = c > 0 ? (sum[hi]! - sum[lo]!) / c : NaN;
  }
  return out;
}

/** An odd window, as movingAverage needs: even numbers round up. */
export function oddWindow(window: number): number {
  const w = Math.max(1, Math.round(window));
  return w % 2 === 1 ? w : w + 1;
}

/** A smoothing window suited to n points: about n/50, odd, at least 1. */
export function defaultSmoothingWindow(n: number): number {
  return oddWindow(n / 50);
}

export interface Bucket {
  /** Index of the bucket's first and last point. */
  start: number;
  end: number;
  /** Midpoint of the bucket on the index axis. */
  center: number;
  /** Extremes and mean of the finite values in the bucket (NaN when there are none). */
  min: number;
  max: number;
  mean: number;
}

/** Split the series into at most `maxBuckets` runs of equal length (the last may be shorter). */
export function bucketize(values: Series, maxBuckets: number): Bucket[] {
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1) {
    throw new RangeError(`maxBuckets must be a positive integer, got ${maxBuckets}`);
  }
  const n = values.length;
  const size = Math.max(1, Math.ceil(n / maxBuckets));
  const buckets: Bucket[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size) - 1;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    for (let i = start; i <= end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count++;
    }
    buckets.push({
      start,
      end,
      center: (start + end) / 2,
      min: count > 0 ? min : NaN,
      max: count > 0 ? max : NaN,
      mean: count > 0 ? sum / count : NaN,
    });
  }
  return buckets;
}

/** The points to draw a line through: every index when short, bucket centers when long. */
export function sampleIndices(n: number, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const indices: number[] = [];
  for (let k = 0; k < maxPoints; k++) indices.push(Math.round((k * (n - 1)) / (maxPoints - 1)));
  return indices;
}

/** A number for JSON: finite values as they are, anything else as null (Vega skips nulls). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
