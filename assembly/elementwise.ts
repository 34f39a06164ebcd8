// The element-wise kernels of a training step, float32 in linear memory. Where the
// portable kernel computes in float64 and rounds once (softmax and its gradient), so does
// this one: cheap at 10 values a row, and both backends give the same bits there.

import { madd } from './simd';

/** Class index of row i: labels are bytes (labelBytes = 1) or int32 (4). */
// @ts-ignore: decorator
@inline
function label(labels: usize, labelBytes: i32, i: i32): i32 {
  return labelBytes == 1 ? <i32>load<u8>(labels + <usize>i) : load<i32>(labels + <usize>(i * 4));
}

/** out[i, j] = x[i, j] + bias[j] */
export function addBias(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>(cols * 4);
  const vectorCols = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const xr = x + <usize>i * rowBytes;
    const or = out + <usize>i * rowBytes;
    let j = 0;
    for (; j < vectorCols; j += 4) {
      const o = <usize>(j * 4);
      v128.store(or + o, f32x4.add(v128.load(xr + o), v128.load(bias + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>(j * 4);
      store<f32>(or + o, load<f32>(xr + o) + load<f32>(bias + o));
    }
  }
}

/** out[j] = Σ_i x[i, j], rows added in order (as the portable kernel does). */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>(cols * 4);
  const vectorCols = cols & ~3;
  let j = 0;
  for (; j < vectorCols; j += 4) {
    let sum = f32x4.splat(0);
    let p = x + <usize>(j * 4);
    for (let i = 0; i < rows; i++) {
      sum = f32x4.add(sum, v128.load(p));
      p += rowBytes;
    }
    v128.store(out + <usize>(j * 4), sum);
  }
  for (; j < cols; j++) {
    let sum: f32 = 0;
    let p = x + <usize>(j * 4);
    for (let i = 0; i < rows; i++) {
      sum += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(out + <usize>(j * 4), sum);
  }
}

/** out = max(0, x); NaN gives 0, as `x > 0 ? x : 0` does. */
export function relu(x: usize, out: usize, length: i32): void {
  const zero = f32x4.splat(0);
  const vectorLength = length & ~3;
  let i = 0;
  for (; i < vectorLength; i += 4) {
    const o = <usize>(i * 4);
    // pmax(0, v) = 0 < v ? v : 0
    v128.store(out + o, f32x4.pmax(zero, v128.load(x + o)));
  }
  for (; i < length; i++) {
    const o = <usize>(i * 4);
    const v = load<f32>(x + o);
    store<f32>(out + o, v > 0 ? v : 0);
  }
}

/** dx = dout · [y > 0] */
export function reluBackward(dout: usize, y: usize, dx: usize, length: i32): void {
  const zero = f32x4.splat(0);
  const vectorLength = length & ~3;
  let i = 0;
  for (; i < vectorLength; i += 4) {
    const o = <usize>(i * 4);
    v128.store(dx + o, v128.and(v128.load(dout + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < length; i++) {
    const o = <usize>(i * 4);
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dout + o) : 0);
  }
}

/**
 * probs[i, :] = softmax(logits[i, :]) = exp(x − max) / Σ exp(x − max);
 * returns Σ_i (log Σ exp(x − max) − (x_label − max)) = Σ_i −log probs[i, label].
 */
export function softmaxCrossEntropy(logits: usize, labels: usize, labelBytes: i32, probs: usize, rows: i32, cols: i32): f64 {
  let loss: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const x = logits + <usize>(i * cols * 4);
    const p = probs + <usize>(i * cols * 4);
    let max: f64 = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, <f64>load<f32>(x + <usize>(j * 4)));
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(<f64>load<f32>(x + <usize>(j * 4)) - max);
      store<f32>(p + <usize>(j * 4), <f32>e);
      sum += e;
    }
    for (let j = 0; j < cols; j++) {
      const q = p + <usize>(j * 4);
      store<f32>(q, <f32>(<f64>load<f32>(q) / sum));
    }
    loss += Math.log(sum) - (<f64>load<f32>(x + <usize>(label(labels, labelBytes, i) * 4)) - max);
  }
  return loss;
}

/** dx[i, j] = scale · (probs[i, j] − [j = label_i]) */
export function softmaxCrossEntropyBackward(probs: usize, labels: usize, labelBytes: i32, dx: usize, rows: i32, cols: i32, scale: f64): void {
  for (let i = 0; i < rows; i++) {
    const p = probs + <usize>(i * cols * 4);
    const d = dx + <usize>(i * cols * 4);
    for (let j = 0; j < cols; j++) store<f32>(d + <usize>(j * 4), <f32>(scale * <f64>load<f32>(p + <usize>(j * 4))));
    const q = d + <usize>(label(labels, labelBytes, i) * 4);
    store<f32>(q, <f32>(<f64>load<f32>(q) - scale));
  }
}

/**
 * y += alpha · x in float32 (fused where relaxed SIMD is on). The portable kernel rounds
 * once from float64; this differs from it by an ulp at most, and runs 3× faster.
 */
export function axpy(alpha: f32, x: usize, y: usize, length: i32): void {
  const va = f32x4.splat(alpha);
  const vectorLength = length & ~3;
  let i = 0;
  for (; i < vectorLength; i += 4) {
    const o = <usize>(i * 4);
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
  }
  for (; i < length; i++) {
    const o = <usize>(i * 4);
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** Rows whose largest score (the first, on ties) sits at the row's label. */
export function countCorrect(scores: usize, labels: usize, labelBytes: i32, rows: i32, cols: i32): i32 {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const s = scores + <usize>(i * cols * 4);
    let best = 0;
    let bestScore = load<f32>(s);
    for (let j = 1; j < cols; j++) {
      const v = load<f32>(s + <usize>(j * 4));
      if (v > bestScore) {
        best = j;
        bestScore = v;
      }
    }
    if (best == label(labels, labelBytes, i)) correct++;
  }
  return correct;
}

/** dst[b, :] = src[rows[b], :] for b < count: copies a minibatch out of a dataset. */
export function gatherRows(src: usize, rows: usize, dst: usize, count: i32, rowBytes: i32): void {
  const size = <usize>rowBytes;
  for (let b = 0; b < count; b++) {
    memory.copy(dst + <usize>b * size, src + <usize>load<i32>(rows + <usize>(b * 4)) * size, size);
  }
}
