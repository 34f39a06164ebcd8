import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../src/tensor/rng.js';

describe('Rng', () => {
  it('same seed, same sequence; other seed, other sequence', () => {
    const a = new Rng(123), b = new Rng(123), c = new Rng(124);
    const sa = Array.from({ length: 50 }, () => a.uniform());
    assert.deepEqual(Array.from({ length: 50 }, () => b.uniform()), sa);
    assert.notDeepEqual(Array.from({ length: 50 }, () => c.uniform()), sa);
  });

  it('uniform in [0, 1), normal with mean 0 and std 1, int covering its range', () => {
    const rng = new Rng(9);
    const n = 200000;
    let sum = 0, sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      assert.ok(u >= 0 && u < 1);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
    assert.ok(Math.abs(Math.sqrt(sumSq / n) - 1) < 0.01, `std ${Math.sqrt(sumSq / n)}`);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[rng.int(7)]++;
    for (const count of counts) assert.ok(Math.abs(count - 10000) < 500, `counts ${counts}`);
  });

  it('fillChoice gives what a loop of uniform() gives, and leaves the same state', () => {
    for (const [seed, length, threshold] of [[1, 10000, 0.5], [7, 3, 0.25], [3, 0, 0.5], [12345, 1001, 0.9]] as const) {
      const loop = new Rng(seed);
      const filled = new Rng(seed);
      loop.uniform();
      filled.uniform();
      const want = new Float32Array(length);
      for (let i = 0; i < length; i++) want[i] = loop.uniform() > threshold ? 1 / (1 - threshold) : 0;
      const got = new Float32Array(length);
      filled.fillChoice(got, threshold, 1 / (1 - threshold), 0);
      assert.deepEqual(got, want, `seed ${seed}`);
      assert.deepEqual(filled.state(), loop.state(), `state after, seed ${seed}`);
      assert.equal(filled.nextUint32(), loop.nextUint32());
      const doubles = new Float64Array(5);
      filled.fillChoice(doubles, -1, 2, 3);
      assert.deepEqual(Array.from(doubles), [2, 2, 2, 2, 2]);
    }
  });

  it('fillInt gives what a loop of int(n) gives, and leaves the same state (after a longer fill too)', () => {
    for (const [seed, length, n] of [[1, 100, 60000], [7, 3, 7], [3, 0, 5], [12345, 1001, 1]] as const) {
      const loop = new Rng(seed);
      const filled = new Rng(seed);
      // The draws' buffer already longer than this fill: only `length` values are written.
      filled.fillChoice(new Float64Array(2000), 0.5, 1, 0);
      for (let i = 0; i < 2000; i++) loop.uniform();
      const want = Int32Array.from({ length }, () => loop.int(n));
      const got = new Int32Array(length).fill(-1);
      filled.fillInt(got, n);
      assert.deepEqual(got, want, `seed ${seed}`);
      assert.deepEqual(filled.state(), loop.state(), `state after, seed ${seed}`);
      assert.equal(filled.nextUint32(), loop.nextUint32());
    }
  });

  it('shuffle is a permutation', () => {
    const values = Int32Array.from({ length: 100 }, (_, i) => i);
    new Rng(1).shuffle(values);
    assert.notDeepEqual(Array.from(values), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(Array.from(values).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  });
});
