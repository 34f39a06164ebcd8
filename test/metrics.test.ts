import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor } from '../src/tensor/tensor.js';
import { evaluatePredictions } from '../src/train/metrics.js';
import { softmaxRows, topClasses } from '../src/train/predict.js';

describe('evaluation metrics', () => {
  // 8 examples, 3 classes. Predictions (argmax): true 0 → 0, 0, 1; true 1 → 1, 1, 2; true 2 → 2, 0.
  const labels = [0, 0, 0, 1, 1, 1, 2, 2];
  const predicted = [0, 0, 1, 1, 1, 2, 2, 0];
  const confidence = [0.9, 0.8, 0.7, 0.6, 0.9, 0.95, 0.5, 0.85];
  const probabilities = Tensor.zeros([8, 3]);
  predicted.forEach((p, i) => {
    for (let j = 0; j < 3; j++) probabilities.data[i * 3 + j] = j === p ? confidence[i]! : (1 - confidence[i]!) / 2;
  });
  const report = evaluatePredictions(probabilities, labels, { mistakes: 2 });

  it('counts the confusion matrix with true classes as rows', () => {
    assert.deepEqual(report.confusion, [
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    assert.equal(report.accuracy, 5 / 8);
    assert.equal(report.count, 8);
  });

  it('computes precision, recall and F1 per class (worked by hand)', () => {
    // class 0: predicted 3 times, 2 right → P 2/3; 3 present, 2 found → R 2/3; F1 2/3
    // class 1: predicted 3, 2 right → P 2/3; present 3, found 2 → R 2/3
    // class 2: predicted 2, 1 right → P 1/2; present 2, found 1 → R 1/2
    const expected = [
      [2 / 3, 2 / 3, 2 / 3, 3],
      [2 / 3, 2 / 3, 2 / 3, 3],
      [1 / 2, 1 / 2, 1 / 2, 2],
    ];
    for (const [c, [precision, recall, f1, support]] of expected.entries()) {
      const m = report.perClass[c]!;
      assert.ok(Math.abs(m.precision - precision!) < 1e-12 && Math.abs(m.recall - recall!) < 1e-12 && Math.abs(m.f1 - f1!) < 1e-12, JSON.stringify(m));
      assert.equal(m.support, support);
    }
    assert.ok(Math.abs(report.macro.f1 - (2 / 3 + 2 / 3 + 1 / 2) / 3) < 1e-12);
  });

  it('lists the most confidently wrong answers first', () => {
    assert.deepEqual(report.mostConfidentlyWrong, [
      { index: 5, label: 1, predicted: 2, confidence: probabilities.data[5 * 3 + 2] },
      { index: 7, label: 2, predicted: 0, confidence: probabilities.data[7 * 3 + 0] },
    ]);
  });

  it('gives precision 0 to a class never predicted, F1 0 when both are 0', () => {
    const r = evaluatePredictions(Tensor.from([0.9, 0.1, 0.8, 0.2], [2, 2]), [0, 1]);
    assert.deepEqual(r.perClass[1], { class: 1, precision: 0, recall: 0, f1: 0, support: 1 });
    assert.equal(r.perClass[0]!.precision, 0.5);
  });
});

describe('probabilities and top classes', () => {
  it('softmax is stable for large scores and rows sum to 1', () => {
    const p = softmaxRows(Tensor.from([1000, 1001, 999, -5, 0, 5], [2, 3], 'float64'));
    const e = [Math.exp(-1), 1, Math.exp(-2)];
    const s = e[0]! + e[1]! + e[2]!;
    assert.ok(Math.abs(p.data[1]! - 1 / s) < 1e-15);
    assert.ok(Math.abs(p.data[3]! + p.data[4]! + p.data[5]! - 1) < 1e-15);
  });

  it('ranks classes by probability', () => {
    assert.deepEqual(topClasses(Tensor.from([0.1, 0.5, 0.15, 0.25], [1, 4]), 3)[0]!.map((c) => c.class), [1, 3, 2]);
  });
});
