import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/errors.js';
import { param, type Param } from '../src/layers/layer.js';
import { createOptimizer, OPTIMIZERS } from '../src/optim/factory.js';
import { Tensor } from '../src/tensor/tensor.js';

// Two parameters, two steps, with fixed gradients per step; expected values below are
// the update rules worked by hand (in float64, the formulas written out separately).
function setup(): { params: Param[]; grads: number[][][] } {
  const W = { ...param('W1', Tensor.from([1, -2], [2], 'float64')) };
  const b = { ...param('b1', Tensor.from([0.5], [1], 'float64')) };
  return {
    params: [W, b],
    grads: [
      [[0.2, -0.4], [1]],
      [[-0.1, 0.3], [0.5]],
    ],
  };
}

function run(name: string, options: Record<string, number>): number[][] {
  const { params, grads } = setup();
  const optimizer = createOptimizer(name, options);
  for (const step of grads) {
    params.forEach((p, i) => p.grad.data.set(step[i]!));
    optimizer.update(params);
  }
  return params.map((p) => [...p.value.data]);
}

function assertClose(actual: number[][], expected: number[][], label: string): void {
  actual.flat().forEach((value, i) => assert.ok(Math.abs(value - expected.flat()[i]!) < 1e-12, `${label}: ${actual.flat()} vs ${expected.flat()}`));
}

// One scalar parameter's trajectory under each rule, written as plainly as possible.
function byHand(rule: (w: number, g: number, state: Record<string, number>, t: number) => number, w0: number, g: number[]): number {
  const state: Record<string, number> = {};
  let w = w0;
  g.forEach((gi, i) => (w = rule(w, gi, state, i + 1)));
  return w;
}

const rules: Record<string, { options: Record<string, number>; rule: (w: number, g: number, s: Record<string, number>, t: number) => number }> = {
  sgd: { options: { lr: 0.1 }, rule: (w, g) => w - 0.1 * g },
  momentum: {
    options: { lr: 0.1, momentum: 0.8 },
    rule: (w, g, s) => {
      s.v = 0.8 * (s.v ?? 0) - 0.1 * g;
      return w + s.v;
    },
  },
  nesterov: {
    options: { lr: 0.1, momentum: 0.8 },
    rule: (w, g, s) => {
      s.v = 0.8 * (s.v ?? 0) - 0.1 * g;
      return w + 0.64 * s.v - 1.8 * 0.1 * g;
    },
  },
  adagrad: {
    options: { lr: 0.1 },
    rule: (w, g, s) => {
      s.h = (s.h ?? 0) + g * g;
      return w - (0.1 * g) / (Math.sqrt(s.h) + 1e-7);
    },
  },
  rmsprop: {
    options: { lr: 0.1, decayRate: 0.9 },
    rule: (w, g, s) => {
      s.h = 0.9 * (s.h ?? 0) + 0.1 * g * g;
      return w - (0.1 * g) / (Math.sqrt(s.h) + 1e-7);
    },
  },
  adam: {
    options: { lr: 0.1, beta1: 0.8, beta2: 0.9 },
    rule: (w, g, s, t) => {
      // m and v as exponential averages; the bias correction folded into lr_t as the book does.
      s.m = 0.8 * (s.m ?? 0) + 0.2 * g;
      s.v = 0.9 * (s.v ?? 0) + 0.1 * g * g;
      const lrT = (0.1 * Math.sqrt(1 - 0.9 ** t)) / (1 - 0.8 ** t);
      return w - (lrT * s.m) / (Math.sqrt(s.v) + 1e-7);
    },
  },
};

for (const name of OPTIMIZERS) {
  test(`${name}: two steps match the update rule worked by hand`, () => {
    const { rule, options } = rules[name]!;
    const { params, grads } = setup();
    const expected = params.map((p, pi) => [...p.value.data].map((w0, j) => byHand(rule, w0, grads.map((step) => step[pi]![j]!))));
    const actual = run(name, options);
    assertClose(actual, expected, name);
    // Every update moved every value: the test would notice a no-op optimizer.
    actual.flat().forEach((value, i) => assert.notEqual(value, params.flatMap((p) => [...p.value.data])[i]));
  });

  test(`${name}: state exported after one step and loaded into a fresh optimizer gives the same second step`, () => {
    const { rule: _rule, options } = rules[name]!;
    const reference = run(name, options);
    const { params, grads } = setup();
    const first = createOptimizer(name, options);
    params.forEach((p, i) => p.grad.data.set(grads[0]![i]!));
    first.update(params);
    const saved = first.state();
    const second = createOptimizer(name, options);
    second.loadState(saved);
    params.forEach((p, i) => p.grad.data.set(grads[1]![i]!));
    second.update(params);
    assertClose(params.map((p) => [...p.value.data]), reference, `${name} resumed`);
    if (name !== 'sgd') assert.ok(Object.keys(saved).some((key) => key.endsWith('.W1')), `${name}: state names slots by parameter`);
  });
}

test('adam state carries the step count and refuses foreign slots', () => {
  const optimizer = createOptimizer('adam');
  const { params } = setup();
  optimizer.update(params);
  optimizer.update(params);
  const state = optimizer.state();
  assert.equal(state.t!.data[0], 2);
  assert.deepEqual(Object.keys(state).sort(), ['m.W1', 'm.b1', 't', 'v.W1', 'v.b1']);
  assert.throws(() => createOptimizer('adam').loadState({ ...state, 'h.W1': state['m.W1']! }), /unexpected state "h.W1"/);
  assert.throws(() => createOptimizer('adam').loadState({}), /state "t"/);
});

test('a loaded state whose shape does not fit the parameter is refused at the next update', () => {
  const optimizer = createOptimizer('momentum');
  optimizer.loadState({ 'v.W1': Tensor.zeros([3], 'float64') });
  assert.throws(() => optimizer.update(setup().params), /"v\.W1" has 3 values but parameter W1 has 2/);
});

test('factory: book defaults, and bad names or values as InputError naming the option', () => {
  assert.equal(createOptimizer('sgd').lr, 0.01);
  assert.equal(createOptimizer('Adam').lr, 0.001);
  assert.deepEqual(createOptimizer('rmsprop').config(), { optimizer: 'rmsprop', lr: 0.01, decayRate: 0.99 });
  assert.throws(() => createOptimizer('lbfgs'), (e: unknown) => e instanceof InputError && /--optimizer: unknown optimizer "lbfgs"/.test(e.message));
  assert.throws(() => createOptimizer('sgd', { momentum: 0.9 }), (e: unknown) => e instanceof InputError && /--momentum: sgd has no such parameter/.test(e.message));
  assert.throws(() => createOptimizer('adam', { beta1: 1 }), /--beta1: must be in \[0, 1\)/);
  assert.throws(() => createOptimizer('adam', { lr: -1 }), /--lr: must be > 0/);
  assert.throws(() => createOptimizer('momentum', { lr: Number.NaN }), /--lr: must be a number/);
});

test('parameters with the same name are refused (state is kept by name)', () => {
  const a = param('W', Tensor.zeros([1]));
  const b = param('W', Tensor.zeros([1]));
  assert.throws(() => createOptimizer('adam').update([a, b]), /two parameters are named "W"/);
});
