// How good a trained classifier is, from its predictions on a labelled set:
//   confusion[t][p] = number of examples of true class t predicted as p
//   precision_c = confusion[c][c] / Σ_t confusion[t][c]     (of those called c, how many are c)
//   recall_c    = confusion[c][c] / Σ_p confusion[c][p]     (of the c's, how many were found)
//   F1_c        = 2 · precision · recall / (precision + recall)
// A class never predicted has precision 0; one never present has recall 0 (and F1 0).

import type { LayerNet } from '../nets/layer-net.js';
import type { Tensor } from '../tensor/tensor.js';
import { predictProbabilities } from './predict.js';

export interface ClassMetrics {
  readonly class: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Examples of this class in the set. */
  readonly support: number;
}

export interface Mistake {
  /** Row of the example in the set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  /** Probability the net gave its (wrong) answer. */
  readonly confidence: number;
}

export interface EvaluationReport {
  readonly count: number;
  readonly accuracy: number;
  readonly perClass: ClassMetrics[];
  /** Unweighted means over the classes. */
  readonly macro: { precision: number; recall: number; f1: number };
  /** Rows: true class; columns: predicted class. */
  readonly confusion: number[][];
  /** The wrong answers given with the highest probability, most confident first. */
  readonly mostConfidentlyWrong: Mistake[];
}

export interface EvaluateOptions {
  /** How many confident mistakes to keep (default 25). */
  mistakes?: number;
}

/** Accuracy, per-class precision/recall/F1, confusion matrix and worst mistakes of `net` on a labelled set. */
export function evaluate(net: LayerNet, set: { images: Tensor; labels: ArrayLike<number> }, options: EvaluateOptions = {}): EvaluationReport {
  const probabilities = predictProbabilities(net, set.images);
  return evaluatePredictions(probabilities, set.labels, options);
}

/** The same report from class probabilities (N×C) and true labels. */
export function evaluatePredictions(probabilities: Tensor, labels: ArrayLike<number>, options: EvaluateOptions = {}): EvaluationReport {
  const rows = probabilities.rows;
  const classes = probabilities.cols;
  if (labels.length !== rows) throw new Error(`evaluate: ${labels.length} labels for ${rows} predictions`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const mistakes: Mistake[] = [];
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new Error(`evaluate: label ${label} at row ${i} is outside 0..${classes - 1}`);
    let predicted = 0;
    for (let j = 1; j < classes; j++) if (probabilities.data[i * classes + j]! > probabilities.data[i * classes + predicted]!) predicted = j;
    confusion[label]![predicted]!++;
    if (predicted === label) correct++;
    else mistakes.push({ index: i, label, predicted, confidence: probabilities.data[i * classes + predicted]! });
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);

  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < classes; c++) {
    const truePositives = confusion[c]![c]!;
    let predictedAsC = 0;
    let support = 0;
    for (let k = 0; k < classes; k++) {
      predictedAsC += confusion[k]![c]!;
      support += confusion[c]![k]!;
    }
    const precision = predictedAsC > 0 ? truePositives / predictedAsC : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ class: c, precision, recall, f1, support });
  }
  const mean = (key: 'precision' | 'recall' | 'f1') => (classes > 0 ? perClass.reduce((sum, m) => sum + m[key], 0) / classes : 0);
  return {
    count: rows,
    accuracy: rows > 0 ? correct / rows : 0,
    perClass,
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    confusion,
    mostConfidentlyWrong: mistakes.slice(0, options.mistakes ?? 25),
  };
}
