// The TF.js side's net: a model spec's layers as TF.js variables and ops (NHWC inside), the
// dense weights drawn from the same Rng in the same order as scratchnet's (tfjs.ts trains it).

import * as tf from '@tensorflow/tfjs';
import { initStd, type Init, type ModelSpec } from '../../src/nets/spec.js';
import type { Rng } from '../../src/tensor/rng.js';

/** A net as TF.js variables plus a forward function, built from a model spec. */
export interface TfNet {
  readonly variables: tf.Variable[];
  /** Scores (logits) for a batch; `training` switches dropout on. */
  forward(x: tf.Tensor, training?: boolean): tf.Tensor2D;
}

/** Input shape inside the TF.js net: flat stays flat; C×H×W becomes H×W×C (TF.js convolutions are NHWC). */
function tfInputShape(spec: ModelSpec): number[] {
  const shape = spec.inputShape;
  return shape.length === 3 ? [shape[1]!, shape[2]!, shape[0]!] : [...shape];
}

/** A batch tensor as the dataset stores it: N×C×H×W for images (the net's first step makes it NHWC), else flat. */
export function batchTensor(pixels: Float32Array, rows: number, spec: ModelSpec): tf.Tensor {
  return tf.tensor(pixels, [rows, ...spec.inputShape]);
}

/**
 * NCHW → NHWC. With one channel both layouts hold the same bytes, so a reshape does;
 * otherwise the channels move last.
 */
function toNhwc(x: tf.Tensor): tf.Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return c === 1 ? x.reshape([n, h, w, 1]) : tf.transpose(x, [0, 2, 3, 1]);
}

function randomVariable(rng: Rng, shape: number[], std: number): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  rng.fillNormal(values, std);
  return tf.variable(tf.tensor(values, shape));
}

type Padding = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];

function convPadding(size: number, stride: number, pad: number): Padding {
  if (pad === 0) return 'valid';
  if (stride === 1 && 2 * pad === size - 1) return 'same';
  return [[0, 0], [pad, pad], [pad, pad], [0, 0]];
}

/** The spec's layers as TF.js ops; weights drawn from `rng` in the same order and layout as scratchnet's for dense layers. */
export function buildTfNet(spec: ModelSpec, rng: Rng, init: Init): TfNet {
  const variables: tf.Variable[] = [];
  const steps: ((x: tf.Tensor, training: boolean) => tf.Tensor)[] = [];
  let shape = tfInputShape(spec);
  // NOTE: batches come as the dataset stores them, N×C×H×W; TF.js convolutions read NHWC.
  if (spec.inputShape.length === 3) steps.push((x) => toNhwc(x));
  for (const layer of spec.layers) {
    switch (layer.type) {
      case 'affine': {
        const fanIn = shape.reduce((a, b) => a * b, 1);
        const units = layer['units'] as number;
        const W = randomVariable(rng, [fanIn, units], initStd(init, fanIn));
        const b = tf.variable(tf.zeros([units]));
        variables.push(W, b);
        steps.push((x) => tf.add(tf.matMul(x.reshape([x.shape[0], fanIn]) as tf.Tensor2D, W), b));
        shape = [units];
        break;
      }
      case 'relu':
        steps.push((x) => tf.relu(x));
        break;
      case 'sigmoid':
        steps.push((x) => tf.sigmoid(x));
        break;
      case 'dropout': {
        const ratio = (layer['ratio'] as number | undefined) ?? 0.5;
        steps.push((x, training) => (training ? tf.dropout(x, ratio) : x));
        break;
      }
      case 'conv': {
        const filters = layer['filters'] as number;
        const size = layer['size'] as number;
        const stride = (layer['stride'] as number | undefined) ?? 1;
        const pad = (layer['pad'] as number | undefined) ?? 0;
        const [h, w, c] = shape as [number, number, number];
        const W = randomVariable(rng, [size, size, c, filters], initStd(init, c * size * size));
        const b = tf.variable(tf.zeros([filters]));
        variables.push(W, b);
        const padding = convPadding(size, stride, pad);
        steps.push((x) => tf.add(tf.conv2d(x as tf.Tensor4D, W as tf.Variable<tf.Rank.R4>, stride, padding), b));
        shape = [Math.floor((h + 2 * pad - size) / stride) + 1, Math.floor((w + 2 * pad - size) / stride) + 1, filters];
        break;
      }
      case 'maxpool': {
        const size = layer['size'] as number;
        const stride = (layer['stride'] as number | undefined) ?? size;
        if (((layer['pad'] as number | undefined) ?? 0) !== 0) throw new Error('TF.js runner: maxpool with padding is not mapped');
        const [h, w, c] = shape as [number, number, number];
        steps.push((x) => tf.maxPool(x as tf.Tensor4D, size, stride, 'valid'));
        shape = [Math.floor((h - size) / stride) + 1, Math.floor((w - size) / stride) + 1, c];
        break;
      }
      default:
        throw new Error(`TF.js runner: layer type "${layer.type}" is not mapped`);
    }
  }
  return {
    variables,
    forward: (x, training = false) => {
      let out = x;
      for (const step of steps) out = step(out, training);
      return out as tf.Tensor2D;
    },
  };
}
