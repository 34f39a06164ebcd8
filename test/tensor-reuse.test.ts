// reuse(): layer buffers that survive shape changes without new allocations.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reuse, setFloat32Allocator, Tensor } from '../src/tensor/tensor.js';

describe('reuse', () => {
  it('keeps a buffer of the same shape, re-cuts a larger one, allocates only to grow', () => {
    const small = reuse(undefined, [2, 3], 'float32');
    assert.equal(reuse(small, [2, 3], 'float32'), small);
    const big = reuse(small, [10, 3], 'float32');
    assert.equal(big.data.length, 30);
    big.data.fill(5);
    const again = reuse(big, [2, 3], 'float32');
    assert.deepEqual(again.shape, [2, 3]);
    assert.equal(again.data.length, 6);
    assert.equal(again.data.buffer, big.data.buffer, 'the small shape is cut from the big memory');
    assert.equal(again.data.byteOffset, big.data.byteOffset);
    const back = reuse(again, [10, 3], 'float32');
    assert.equal(back.data.buffer, big.data.buffer, 'and the big shape fits it again');
    assert.equal(back.data.length, 30);
    assert.equal(reuse(back, [10, 3], 'float64').dtype, 'float64');
  });

  it('never re-cuts memory it did not allocate (a slice of a dataset)', () => {
    const dataset = Tensor.zeros([100, 4]);
    const slice = dataset.sliceRows(0, 50);
    const out = reuse(slice, [10, 4], 'float32');
    out.data.fill(1);
    assert.ok(dataset.data.every((v) => v === 0));
  });

  it('clone() takes its storage from the allocator, like every other tensor', () => {
    const pool = new Float32Array(64);
    let handedOut = 0;
    setFloat32Allocator((length) => pool.subarray(handedOut, (handedOut += length)));
    try {
      const original = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
      const copy = original.clone();
      assert.equal(copy.data.buffer, pool.buffer, 'the copy lives in the allocator’s memory');
      assert.notEqual(copy.data.byteOffset, original.data.byteOffset);
      assert.deepEqual(Array.from(copy.data), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(copy.shape, [2, 3]);
      assert.equal(Tensor.from([1, 2], [2], 'float64').clone().dtype, 'float64');
    } finally {
      setFloat32Allocator(undefined);
    }
  });
});
