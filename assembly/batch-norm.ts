// Batch normalization over an N×C×S array, per channel c (its M = N·S values), as
// src/layers/batch-norm.ts states it. Sums in float64 (two f64x2 of partial sums: another
// order than the portable kernel's, within rounding of it), and the element-wise math in
// float64 like the portable kernel's, rounded to float32 once: given the same statistics,
// the same bits.
//   forward:  xn = (x − μ)·s,  out = γ·xn + β          (s = 1/√(σ² + ε))
//   backward: ∂β = Σ dout, ∂γ = Σ dout·xn, ∂x = γ·s·(dout − mean(dout) − xn·mean(dout·xn))
//             (an inference-mode forward: ∂x = γ·s·dout)

/** Σ over channel c's runs of f(v) for its values v: f = v (power 1) or (v − mu)² (power 2). */
function channelSum(x: usize, c: i32, N: i32, C: i32, S: i32, mu: f64, power: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let tail: f64 = 0;
  const m = f64x2.splat(mu);
  const vectors = S & ~3;
  for (let n = 0; n < N; n++) {
    const run = x + <usize>((n * C + c) * S) * 4;
    for (let i = 0; i < vectors; i += 4) {
      const v = v128.load(run + <usize>(i * 4));
      let lo = low(v), hi = high(v);
      if (power == 2) {
        lo = f64x2.sub(lo, m);
        hi = f64x2.sub(hi, m);
        lo = f64x2.mul(lo, lo);
        hi = f64x2.mul(hi, hi);
      }
      a = f64x2.add(a, lo);
      b = f64x2.add(b, hi);
    }
    for (let i = vectors; i < S; i++) {
      const v = <f64>load<f32>(run + <usize>(i * 4));
      tail += power == 2 ? (v - mu) * (v - mu) : v;
    }
  }
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1) + tail;
}

/**
 * With `stats` (training): mean[c], variance[c] of the batch and invStd[c] = 1/√(variance + ε),
 * written; else mean and invStd are read. Then xn and out, for every value.
 */
export function batchNormForward(
  x: usize, xn: usize, out: usize, gamma: usize, beta: usize, mean: usize, invStd: usize, variance: usize,
  N: i32, C: i32, S: i32, epsilon: f64, stats: bool,
): void {
  const M = <f64>N * <f64>S;
  if (stats) {
    for (let c = 0; c < C; c++) {
      const mu = channelSum(x, c, N, C, S, 0, 1) / M;
      const v = channelSum(x, c, N, C, S, mu, 2) / M;
      store<f64>(mean + <usize>(c * 8), mu);
      store<f64>(variance + <usize>(c * 8), v);
      store<f64>(invStd + <usize>(c * 8), 1 / Math.sqrt(v + epsilon));
    }
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const at = <usize>((n * C + c) * S) * 4;
      const mu = load<f64>(mean + <usize>(c * 8)), s = load<f64>(invStd + <usize>(c * 8));
      const g = <f64>load<f32>(gamma + <usize>(c * 4)), b = <f64>load<f32>(beta + <usize>(c * 4));
      const vm = f64x2.splat(mu), vs = f64x2.splat(s), vg = f64x2.splat(g), vb = f64x2.splat(b);
      const vectors = S & ~3;
      for (let i = 0; i < vectors; i += 4) {
        const q = at + <usize>(i * 4);
        const v = v128.load(x + q);
        const lo = f64x2.mul(f64x2.sub(low(v), vm), vs);
        const hi = f64x2.mul(f64x2.sub(high(v), vm), vs);
        v128.store(xn + q, joined(lo, hi));
        v128.store(out + q, joined(f64x2.add(f64x2.mul(vg, lo), vb), f64x2.add(f64x2.mul(vg, hi), vb)));
      }
      for (let i = vectors; i < S; i++) {
        const q = at + <usize>(i * 4);
        const v = (<f64>load<f32>(x + q) - mu) * s;
        store<f32>(xn + q, <f32>v);
        store<f32>(out + q, <f32>(g * v + b));
      }
    }
  }
}

/**
 * dgamma[c] = Σ dout·xn, dbeta[c] = Σ dout (float32, from float64 sums), and dx; `training`:
 * whether the forward used the batch's statistics.
 */
export function batchNormBackward(
  dout: usize, xn: usize, dx: usize, gamma: usize, invStd: usize, dgamma: usize, dbeta: usize, N: i32, C: i32, S: i32, training: bool,
): void {
  const M = <f64>N * <f64>S;
  const vectors = S & ~3;
  for (let c = 0; c < C; c++) {
    let a = f64x2.splat(0), b = f64x2.splat(0), ax = f64x2.splat(0), bx = f64x2.splat(0);
    let tail: f64 = 0, tailX: f64 = 0;
    for (let n = 0; n < N; n++) {
      const at = <usize>((n * C + c) * S) * 4;
      for (let i = 0; i < vectors; i += 4) {
        const q = at + <usize>(i * 4);
        const g = v128.load(dout + q), h = v128.load(xn + q);
        const glo = low(g), ghi = high(g);
        const hlo = low(h), hhi = high(h);
        a = f64x2.add(a, glo);
        b = f64x2.add(b, ghi);
        ax = f64x2.add(ax, f64x2.mul(glo, hlo));
        bx = f64x2.add(bx, f64x2.mul(ghi, hhi));
      }
      for (let i = vectors; i < S; i++) {
        const q = at + <usize>(i * 4);
        const g = <f64>load<f32>(dout + q);
        tail += g;
        tailX += g * <f64>load<f32>(xn + q);
      }
    }
    const s = f64x2.add(a, b), sx = f64x2.add(ax, bx);
    const sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1) + tail;
    const sumX = f64x2.extract_lane(sx, 0) + f64x2.extract_lane(sx, 1) + tailX;
    store<f32>(dbeta + <usize>(c * 4), <f32>sum);
    store<f32>(dgamma + <usize>(c * 4), <f32>sumX);
    const scale = <f64>load<f32>(gamma + <usize>(c * 4)) * load<f64>(invStd + <usize>(c * 8));
    const meanD = training ? sum / M : 0, meanDX = training ? sumX / M : 0;
    const vscale = f64x2.splat(scale), vd = f64x2.splat(meanD), vdx = f64x2.splat(meanDX);
    for (let n = 0; n < N; n++) {
      const at = <usize>((n * C + c) * S) * 4;
      for (let i = 0; i < vectors; i += 4) {
        const q = at + <usize>(i * 4);
        const g = v128.load(dout + q), h = v128.load(xn + q);
        const glo = low(g), ghi = high(g);
        if (!training) {
          v128.store(dx + q, joined(f64x2.mul(vscale, glo), f64x2.mul(vscale, ghi)));
          continue;
        }
        const hlo = low(h), hhi = high(h);
        // scale · ((g − mean dout) − xn · mean(dout·xn)), in this order, as the portable kernel
        const lo = f64x2.mul(vscale, f64x2.sub(f64x2.sub(glo, vd), f64x2.mul(hlo, vdx)));
        const hi = f64x2.mul(vscale, f64x2.sub(f64x2.sub(ghi, vd), f64x2.mul(hhi, vdx)));
        v128.store(dx + q, joined(lo, hi));
      }
      for (let i = vectors; i < S; i++) {
        const q = at + <usize>(i * 4);
        const g = <f64>load<f32>(dout + q);
        store<f32>(dx + q, <f32>(training ? scale * (g - meanD - <f64>load<f32>(xn + q) * meanDX) : scale * g));
      }
    }
  }
}

/** Lanes 0, 1 of four float32, as float64. */
// @ts-ignore: decorator
@inline
function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2, 3 of four float32, as float64. */
// @ts-ignore: decorator
@inline
function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** The four float32 of two f64x2 (lo's lanes first): the inverse of low and high. */
// @ts-ignore: decorator
@inline
function joined(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
