import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Rng } from '../src/tensor/rng.js';

it('Rng.state()/setState() continue the exact sequence, including a pending normal and through JSON', () => {
  const original = new Rng(42);
  for (let i = 0; i < 1001; i++) original.normal(); // odd count: a spare normal is waiting
  const state = JSON.parse(JSON.stringify(original.state()));
  assert.notEqual(state.spareNormal, null);
  const copy = new Rng(7);
  copy.setState(state);
  for (let i = 0; i < 1000; i++) {
    assert.equal(copy.normal(), original.normal());
    assert.equal(copy.nextUint32(), original.nextUint32());
    assert.equal(copy.int(60000), original.int(60000));
  }
});

it('Rng.setState() refuses a state that is not one', () => {
  const rng = new Rng(1);
  assert.throws(() => rng.setState({ s: [1, 2, 3], spareNormal: null }), /four unsigned 32-bit integers/);
  assert.throws(() => rng.setState({ s: [0, 0, 0, 0], spareNormal: null }), /all-zero/);
  assert.throws(() => rng.setState({ s: [1, 2, 3, 2 ** 32], spareNormal: null }), /four unsigned/);
});
