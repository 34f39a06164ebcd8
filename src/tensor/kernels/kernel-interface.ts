// The one kernel interface. Every matrix product, and the loops that dominate training
// (Affine, Relu, softmax with cross-entropy, convolution, max pooling, batch norm, the
// minibatch gather, SGD and Adam), go through here, so a faster backend (WebAssembly SIMD,
// threads) swaps in without touching a layer. Dropout, sigmoid and the other optimizers are
// still plain loops in their own files. Matrices are row-major; a backend must accept float32 and
// float64 arrays (a float32-only backend hands float64 calls to the portable one).

import type { Data } from '../tensor.js';
import type { ConvGeometry } from './im2col.js';

/** Class indices, one per row. */
export type LabelIndices = Uint8Array | Int32Array;

export interface GemmOptions {
  /** Use Aᵀ: A is stored k×m. */
  transA?: boolean;
  /** Use Bᵀ: B is stored n×k. */
  transB?: boolean;
  alpha?: number;
  /** 0 overwrites C (its old contents are ignored, NaN included). */
  beta?: number;
}

/** A convolution's sizes: `images` inputs of C×H×W, `filters` filters of C×FH×FW, stride, pad, output OH×OW. */
export interface ConvShape extends ConvGeometry {
  readonly images: number;
  readonly filters: number;
}

export interface Kernels {
  readonly name: string;

  /**
   * Whether gemm skips the zeros of an A that is mostly zeros (default true); false: every
   * product dense, as BLAS computes it.
   */
  sparseInputs: boolean;

  /**
   * C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C
   *
   * NOTE: with sparseInputs on, a backend may multiply only the nonzeros of an A that is
   * mostly zeros (a batch of images); a zero of A times an ∞ or NaN of B then adds nothing
   * instead of NaN.
   */
  gemm(a: Data, b: Data, c: Data, m: number, n: number, k: number, options?: GemmOptions): void;

  /** out[i, j] = x[i, j] + bias[j]   (x is rows×cols; out may be x) */
  addBias(x: Data, bias: Data, out: Data, rows: number, cols: number): void;

  /** out[j] = Σ_i x[i, j]   (column sums of a rows×cols matrix: the bias gradient) */
  sumRows(x: Data, out: Data, rows: number, cols: number): void;

  /** out = max(0, x)   (out may be x) */
  relu(x: Data, out: Data): void;

  /** dx = dout · [y > 0]   (y is relu's output; dx may be dout) */
  reluBackward(dout: Data, y: Data, dx: Data): void;

  /**
   * probs[i, :] = softmax(logits[i, :]), computed as exp(x − max x) / Σ exp(x − max x);
   * returns Σ_i −log probs[i, label_i]: the summed (not averaged) cross-entropy.
   */
  softmaxCrossEntropy(logits: Data, labels: LabelIndices, probs: Data, rows: number, cols: number): number;

  /** dx[i, j] = scale · (probs[i, j] − [j = label_i]) */
  softmaxCrossEntropyBackward(probs: Data, labels: LabelIndices, dx: Data, rows: number, cols: number, scale: number): void;

  /** y += alpha · x   (the SGD step is axpy(−lr, grad, weight)) */
  axpy(alpha: number, x: Data, y: Data): void;

  /** Number of rows whose largest score sits at the row's label (first maximum wins). */
  countCorrect(scores: Data, labels: LabelIndices, rows: number, cols: number): number;

  /** dst[b, :] = src[rows[b], :] for every b (rows of `width` values): a minibatch out of a dataset. */
  gatherRows(src: Data, rows: Int32Array, dst: Data, width: number): void;

  /** dst[b, :] = src[rows[b], :] / 255 for every b: rows of images kept as bytes, as floats in 0..1. */
  gatherPixelRows(src: Uint8Array, rows: Int32Array, dst: Data, width: number): void;

  /**
   * out[n, f, oy, ox] = Σ_{c,fy,fx} w[f, c, fy, fx] · x[n, c, oy·S + fy − P, ox·S + fx − P] + bias[f]
   * (x: N×C×H×W, w: FN×C×FH×FW, out: N×FN×OH×OW; zero padding).
   */
  convForward(x: Data, w: Data, bias: Data, out: Data, shape: ConvShape): void;

  /**
   * Given dout = ∂L/∂out of convForward:  dw = ∂L/∂w,  db[f] = Σ_{n,p} dout[n, f, p],  and,
   * when dx is given, dx = ∂L/∂x (col2im of wᵀ · dout). Overwrites dw, db and dx.
   */
  convBackward(x: Data, w: Data, dout: Data, dw: Data, db: Data, dx: Data | undefined, shape: ConvShape): void;

  /**
   * A convolution (as convForward, shape) and the max pooling of its output (pool: the
   * pooling's geometry over FN×OH×OW planes), with `relu` a Relu after that, in one call:
   * out and argmax as maxPoolForward fills them from convForward's output, which need not
   * be stored (backends fuse what they can; results within float32 rounding of the two calls).
   */
  convPoolForward(x: Data, w: Data, bias: Data, out: Data, argmax: Uint8Array, shape: ConvShape, pool: ConvGeometry, relu: boolean): void;

  /**
   * convBackward given ∂L/∂ of the pooling after the convolution (dpool, with convPoolForward's
   * argmax, and y its output when it had the Relu): dout = maxPoolBackward(argmax, dpool, y),
   * which need not be stored; dw, db and dx as convBackward makes them from that dout.
   */
  convPoolBackward(
    x: Data, w: Data, dpool: Data, argmax: Uint8Array, y: Data | undefined, dw: Data, db: Data, dx: Data | undefined, shape: ConvShape, pool: ConvGeometry,
  ): void;

  /**
   * out[plane, oy, ox] = max over the window (filterHeight × filterWidth at oy·S − P, ox·S − P)
   * of x[plane], padding cells skipped; planes = N·C. argmax[o] = fy·filterWidth + fx, the
   * cell of the window's first maximum (row-major), one byte per output: at most 256 cells.
   * With `relu` (a Relu right after the pooling, fused): out[o] = max(0, the window's max),
   * as Relu computes it (a NaN gives 0).
   */
  maxPoolForward(x: Data, out: Data, argmax: Uint8Array, planes: number, g: ConvGeometry, relu?: boolean): void;

  /**
   * dx = 0, then dx[the cell argmax[o] of window o] += dout[o] (argmax from maxPoolForward);
   * given y, the fused Relu's output (maxPoolForward's out with `relu`), += dout[o]·[y[o] > 0].
   */
  maxPoolBackward(argmax: Uint8Array, dout: Data, dx: Data, planes: number, g: ConvGeometry, y?: Data): void;

  /**
   * Batch normalization over an N×C×S array, per channel c (its N·S values; sums in float64):
   * with `variance` (training), mean[c] and variance[c] of the batch are written and
   * invStd[c] = 1/√(variance[c] + ε); else mean and invStd are given. Then
   * xn = (x − mean)·invStd and out = γ·xn + β, in float64 arithmetic rounded once.
   */
  batchNormForward(
    x: Data, xn: Data, out: Data, gamma: Data, beta: Data, mean: Float64Array, invStd: Float64Array, variance: Float64Array | undefined,
    N: number, C: number, S: number, epsilon: number,
  ): void;

  /**
   * Its backward: dbeta[c] = Σ dout, dgamma[c] = Σ dout·xn, and
   * dx = γ·invStd·(dout − mean(dout) − xn·mean(dout·xn)), or γ·invStd·dout when the forward
   * was not `training` (running statistics: constants).
   */
  batchNormBackward(
    dout: Data, xn: Data, dx: Data, gamma: Data, invStd: Float64Array, dgamma: Data, dbeta: Data, N: number, C: number, S: number, training: boolean,
  ): void;

  /**
   * Adam's step on one parameter (lrT = lr·√(1 − β2^t) / (1 − β1^t)):
   *   m += (1 − β1)·(g − m)    v += (1 − β2)·(g² − v)    w −= lrT · m / (√v + ε)
   */
  adamUpdate(w: Data, g: Data, m: Data, v: Data, beta1: number, beta2: number, lrT: number, epsilon: number): void;
}
