// The portable batch-normalization kernels (the wasm backend's twins, and its fallback for
// float64), over an N×C×S array, per channel c (its M = N·S values), sums in float64:
//   forward:  μ, σ² of the batch (with `variance`), s = 1/√(σ² + ε);  xn = (x − μ)·s,  out = γ·xn + β
//   backward: ∂β = Σ dout, ∂γ = Σ dout·xn,  ∂x = γ·s·(dout − mean(dout) − xn·mean(dout·xn))
//             (after an inference-mode forward: ∂x = γ·s·dout)

import type { Data } from '../tensor.js';

/** Calls fn(channel, start) for each contiguous run of one channel's values (length S). */
function forEachChannelRun(N: number, C: number, S: number, fn: (channel: number, start: number) => void): void {
  for (let n = 0, start = 0; n < N; n++) for (let c = 0; c < C; c++, start += S) fn(c, start);
}

export function batchNormForwardJs(
  x: Data, xn: Data, out: Data, gamma: Data, beta: Data, mean: Float64Array, invStd: Float64Array, variance: Float64Array | undefined,
  N: number, C: number, S: number, epsilon: number,
): void {
  if (variance) {
    const M = N * S;
    mean.fill(0, 0, C);
    variance.fill(0, 0, C);
    forEachChannelRun(N, C, S, (c, start) => {
      let sum = 0;
      for (let i = start; i < start + S; i++) sum += x[i]!;
      mean[c]! += sum;
    });
    for (let c = 0; c < C; c++) mean[c]! /= M;
    forEachChannelRun(N, C, S, (c, start) => {
      const mu = mean[c]!;
      let sum = 0;
      for (let i = start; i < start + S; i++) sum += (x[i]! - mu) * (x[i]! - mu);
      variance[c]! += sum;
    });
    for (let c = 0; c < C; c++) {
      variance[c]! /= M;
      invStd[c] = 1 / Math.sqrt(variance[c]! + epsilon);
    }
  }
  forEachChannelRun(N, C, S, (c, start) => {
    const mu = mean[c]!;
    const s = invStd[c]!;
    const g = gamma[c]!;
    const b = beta[c]!;
    for (let i = start; i < start + S; i++) {
      const v = (x[i]! - mu) * s;
      xn[i] = v;
      out[i] = g * v + b;
    }
  });
}

export function batchNormBackwardJs(
  dout: Data, xn: Data, dx: Data, gamma: Data, invStd: Float64Array, dgamma: Data, dbeta: Data, N: number, C: number, S: number, training: boolean,
): void {
  const M = N * S;
  const sumDout = new Float64Array(C);
  const sumDoutXn = new Float64Array(C);
  forEachChannelRun(N, C, S, (c, start) => {
    let s = 0;
    let sx = 0;
    for (let i = start; i < start + S; i++) {
      s += dout[i]!;
      sx += dout[i]! * xn[i]!;
    }
    sumDout[c]! += s;
    sumDoutXn[c]! += sx;
  });
  for (let c = 0; c < C; c++) {
    dbeta[c] = sumDout[c]!;
    dgamma[c] = sumDoutXn[c]!;
  }
  forEachChannelRun(N, C, S, (c, start) => {
    const scale = gamma[c]! * invStd[c]!;
    if (!training) {
      for (let i = start; i < start + S; i++) dx[i] = scale * dout[i]!;
      return;
    }
    const meanDout = sumDout[c]! / M;
    const meanDoutXn = sumDoutXn[c]! / M;
    for (let i = start; i < start + S; i++) dx[i] = scale * (dout[i]! - meanDout - xn[i]! * meanDoutXn);
  });
}
