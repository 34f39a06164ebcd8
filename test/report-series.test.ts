import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketize, defaultSmoothingWindow, finiteOrNull, movingAverage, oddWindow, sampleIndices } from '../src/report/series.js';

/** Direct definition: mean of the finite y[j], i − h ≤ j ≤ min(i + h, n − 1), h = min(half, ⌊i/4⌋). */
function movingAverageByDefinition(values: number[], window: number): number[] {
  const half = (window - 1) / 2;
  return values.map((_, i) => {
    const h = Math.min(half, Math.floor(i / 4));
    const inWindow = values.slice(i - h, i + h + 1).filter(Number.isFinite);
    return inWindow.length === 0 ? NaN : inWindow.reduce((a, b) => a + b, 0) / inWindow.length;
  });
}

function pseudoRandom(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  });
}

test('movingAverage matches its definition, for small, large and oversized windows', () => {
  const values = pseudoRandom(257, 3);
  values[100] = NaN;
  values[3] = Infinity;
  for (const window of [1, 3, 5, 51, 255, 1001]) {
    const got = movingAverage(values, window);
    const want = movingAverageByDefinition(values, window);
    for (let i = 0; i < values.length; i++) {
      const same = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : Math.abs(got[i]! - want[i]!) < 1e-9;
      assert.ok(same, `window ${window}, i ${i}: ${got[i]} vs ${want[i]}`);
    }
  }
});

test('movingAverage away from the ends is the plain centered mean; early on its window is narrower', () => {
  const values = pseudoRandom(101, 9);
  const smooth = movingAverage(values, 11);
  for (const i of [20, 50, 95]) {
    const mean = values.slice(i - 5, i + 6).reduce((a, b) => a + b, 0) / 11;
    assert.ok(Math.abs(smooth[i]! - mean) < 1e-12);
  }
  assert.equal(smooth[0], values[0]);
  const early = values.slice(8 - 2, 8 + 3).reduce((a, b) => a + b, 0) / 5; // h(8) = 2
  assert.ok(Math.abs(smooth[8]! - early) < 1e-12);
});

test('movingAverage keeps a straight line straight until the window reaches the end (no lag)', () => {
  const line = Array.from({ length: 300 }, (_, i) => 2.5 - 0.004 * i);
  const smooth = movingAverage(line, 61);
  for (let i = 0; i < 300 - 30; i++) assert.ok(Math.abs(smooth[i]! - line[i]!) < 1e-9, `i ${i}`);
  // At the end: the mean of the last 31 points, a lag of 15 iterations.
  assert.ok(Math.abs(smooth[299]! - line[284]!) < 1e-9);
});

test('movingAverage follows the steep fall of a loss curve closely', () => {
  const decay = Array.from({ length: 2000 }, (_, i) => 0.1 + 2.2 * Math.exp(-i / 30));
  const smooth = movingAverage(decay, 201);
  for (let i = 0; i < decay.length; i++) {
    assert.ok(Math.abs(smooth[i]! - decay[i]!) < 0.02, `i ${i}: ${smooth[i]} vs ${decay[i]}`);
  }
});

test('movingAverage ends as smoothly as it runs: the last point is not one noisy sample', () => {
  const noise = pseudoRandom(400, 17).map((r) => 0.3 + 0.2 * (r - 0.5));
  noise[399] = 5; // a spike on the very last minibatch
  const smooth = movingAverage(noise, 41);
  assert.ok(Math.abs(smooth[399]! - 0.3) < 0.3, `end value ${smooth[399]}`);
  for (const i of [340, 360, 375]) assert.ok(Math.abs(smooth[i]! - 0.3) < 0.04, `i ${i}: ${smooth[i]}`);
});

test('movingAverage skips non-finite values, gives NaN only for windows without any, and wants an odd window', () => {
  const smooth = movingAverage([NaN, NaN, NaN, NaN, NaN, 4, 4], 3);
  assert.ok(Number.isNaN(smooth[1]!));
  assert.equal(smooth[4], 4);
  assert.equal(smooth[6], 4);
  assert.throws(() => movingAverage([1, 2], 0), RangeError);
  assert.throws(() => movingAverage([1, 2], 4), RangeError);
  assert.deepEqual([1, 2, 3, 4.4, 200].map(oddWindow), [1, 3, 3, 5, 201]);
});

test('defaultSmoothingWindow is odd and about n/50', () => {
  assert.equal(defaultSmoothingWindow(10_000), 201);
  assert.equal(defaultSmoothingWindow(10), 1);
  for (const n of [0, 1, 99, 100, 5_000, 123_456]) assert.equal(defaultSmoothingWindow(n) % 2, 1);
});

test('bucketize covers every index once and keeps the exact extremes and mean of each bucket', () => {
  const values = pseudoRandom(10_007, 11);
  values[4321] = 50; // a spike must survive
  values[77] = NaN;
  const buckets = bucketize(values, 1000);
  assert.ok(buckets.length <= 1000);
  let next = 0;
  for (const b of buckets) {
    assert.equal(b.start, next);
    assert.ok(b.end >= b.start);
    const slice = values.slice(b.start, b.end + 1).filter(Number.isFinite);
    assert.equal(b.min, Math.min(...slice));
    assert.equal(b.max, Math.max(...slice));
    assert.ok(Math.abs(b.mean - slice.reduce((a, c) => a + c, 0) / slice.length) < 1e-12);
    assert.equal(b.center, (b.start + b.end) / 2);
    next = b.end + 1;
  }
  assert.equal(next, values.length);
  assert.equal(Math.max(...buckets.map((b) => b.max)), 50);
});

test('bucketize of a short series is one bucket per point', () => {
  const buckets = bucketize([3, 1, 2], 10);
  assert.deepEqual(
    buckets.map((b) => [b.start, b.end, b.min, b.max]),
    [
      [0, 0, 3, 3],
      [1, 1, 1, 1],
      [2, 2, 2, 2],
    ],
  );
  assert.throws(() => bucketize([1], 0), RangeError);
});

test('sampleIndices keeps both ends and never exceeds the budget', () => {
  assert.deepEqual(sampleIndices(4, 10), [0, 1, 2, 3]);
  const sampled = sampleIndices(10_000, 1000);
  assert.equal(sampled.length, 1000);
  assert.equal(sampled[0], 0);
  assert.equal(sampled.at(-1), 9999);
  for (let k = 1; k < sampled.length; k++) assert.ok(sampled[k]! > sampled[k - 1]!);
});

test('finiteOrNull', () => {
  assert.equal(finiteOrNull(0.5), 0.5);
  assert.equal(finiteOrNull(NaN), null);
  assert.equal(finiteOrNull(-Infinity), null);
});
