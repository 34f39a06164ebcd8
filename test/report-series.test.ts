import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketize, defaultSmoothingWindow, finiteOrNull, movingAverage, sampleIndices } from '../src/report/series.js';

/** Direct definition: mean of the finite in[j] with |j − i| ≤ min(h, i, n−1−i). */
function movingAverageByDefinition(values: number[], window: number): number[] {
  const n = values.length;
  const half = Math.floor((window - 1) / 2);
  return values.map((_, i) => {
    const h = Math.min(half, i, n - 1 - i);
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

test('movingAverage matches its definition, for odd and even windows and window 1', () => {
  const values = pseudoRandom(257, 3);
  for (const window of [1, 2, 5, 10, 51, 1000]) {
    const got = movingAverage(values, window);
    const want = movingAverageByDefinition(values, window);
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-12, `window ${window}, i ${i}`);
  }
});

test('movingAverage keeps a straight line straight, ends included (no lag, no edge bias)', () => {
  const line = Array.from({ length: 300 }, (_, i) => 2.5 - 0.004 * i);
  const smooth = movingAverage(line, 61);
  for (let i = 0; i < line.length; i++) assert.ok(Math.abs(smooth[i]! - line[i]!) < 1e-9, `i ${i}`);
});

test('movingAverage skips non-finite values and gives NaN only where a window has none', () => {
  const smooth = movingAverage([1, NaN, 3, Infinity, NaN, NaN, NaN, 5], 3);
  assert.equal(smooth[0], 1);
  assert.equal(smooth[1], 2); // mean of 1 and 3
  assert.equal(smooth[2], 3);
  assert.ok(Number.isNaN(smooth[5]!));
  assert.equal(smooth[7], 5);
  assert.throws(() => movingAverage([1, 2], 0), RangeError);
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
