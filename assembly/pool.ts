// Max pooling over K×K windows, stride S, padding P, on planes [plane0, plane1) of x
// (each plane H×W, out OH×OW):
//   out[o] = max over the window of o (padding cells skipped, never the maximum)
//   argmax[o] = fy·K + fx, the cell of o's first maximum (row-major window order, as the
//               portable kernel's branch-free loop finds it), fy and fx counted from the
//               window's corner (oy·S − P, ox·S − P): one byte per output
//   ∂L/∂x[the cell argmax[o] of window o] += dout[o]
// Backward reads the bytes, not x again: x (a convolution's output) has long left the cache.
// With `relu` (a Relu right after the pooling, fused): out[o] = max(0, the window's max),
// and backward, given that output y, passes dout[o]·[y[o] > 0], as Relu's backward would.
// 2×2 windows with stride 2 and no padding, the common case, run 4 outputs per SIMD step:
//   top = x[i+1] > x[i] ? x[i+1] : x[i],  bottom likewise,  max = bottom > top ? bottom : top
// which is what pmax computes (pmax(a, b) = a < b ? b : a), NaN cases included; the cell is
//   2·[bottom won] + [the winning row's right one won].

// @ts-ignore: decorator
@inline
function isPair(K: i32, S: i32, P: i32): bool {
  return K == 2 && S == 2 && P == 0;
}

export function maxPoolForward(
  x: usize, out: usize, argmax: usize, plane0: i32, plane1: i32, H: i32, W: i32, K: i32, S: i32, P: i32, OH: i32, OW: i32, relu: bool,
): void {
  const pair = isPair(K, S, P);
  const one = i32x4.splat(1), two = i32x4.splat(2), zero = f32x4.splat(0);
  for (let plane = plane0; plane < plane1; plane++) {
    const base = x + <usize>plane * <usize>(H * W * 4);
    const o = out + <usize>plane * <usize>(OH * OW * 4);
    const a = argmax + <usize>plane * <usize>(OH * OW);
    for (let oy = 0; oy < OH; oy++) {
      const orow = o + <usize>(oy * OW * 4);
      const arow = a + <usize>(oy * OW);
      if (pair) {
        const r0 = base + <usize>(2 * oy * W * 4);
        const r1 = r0 + <usize>(W * 4);
        // 4 outputs a step; a last partial step moves back to end at OW (its outputs that
        // were done already are written again, with the same values).
        const whole = OW >= 4 ? OW : 0;
        for (let ox = 0; ox < whole; ox = ox + 4 < whole && ox + 8 > whole ? whole - 4 : ox + 4) {
          const at = <usize>(ox * 8);
          const t0 = v128.load(r0 + at), t1 = v128.load(r0 + at, 16);
          const b0 = v128.load(r1 + at), b1 = v128.load(r1 + at, 16);
          const te = i32x4.shuffle(t0, t1, 0, 2, 4, 6), to = i32x4.shuffle(t0, t1, 1, 3, 5, 7);
          const be = i32x4.shuffle(b0, b1, 0, 2, 4, 6), bo = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
          const topOdd = f32x4.gt(to, te);
          const bottomOdd = f32x4.gt(bo, be);
          const top = v128.bitselect(to, te, topOdd);
          const bottom = v128.bitselect(bo, be, bottomOdd);
          const fromBottom = f32x4.gt(bottom, top);
          const best = v128.bitselect(bottom, top, fromBottom);
          // pmax(0, v) = 0 < v ? v : 0: Relu's kernel (a NaN gives 0)
          v128.store(orow + <usize>(ox * 4), relu ? f32x4.pmax(zero, best) : best);
          const cell = v128.or(v128.and(fromBottom, two), v128.and(v128.bitselect(bottomOdd, topOdd, fromBottom), one));
          // Lanes 0..3 of the int32 cells, one byte each.
          v128.store32_lane(arow + <usize>ox, i8x16.shuffle(cell, cell, 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
        }
        for (let ox = whole; ox < OW; ox++) {
          const i = <usize>(ox * 8);
          const v0 = load<f32>(r0 + i), v1 = load<f32>(r0 + i + 4);
          const v2 = load<f32>(r1 + i), v3 = load<f32>(r1 + i + 4);
          const topOdd = v1 > v0;
          const bottomOdd = v3 > v2;
          const top = topOdd ? v1 : v0;
          const bottom = bottomOdd ? v3 : v2;
          const fromBottom = bottom > top;
          const best = fromBottom ? bottom : top;
          store<f32>(orow + <usize>(ox * 4), relu && !(best > 0) ? 0 : best);
          store<u8>(arow + <usize>ox, <u8>(fromBottom ? 2 + i32(bottomOdd) : i32(topOdd)));
        }
        continue;
      }
      for (let ox = 0; ox < OW; ox++) {
        const best = windowArgmax(base, oy, ox, H, W, K, S, P);
        const v = load<f32>(base + <usize>(best * 4));
        store<f32>(orow + <usize>(ox * 4), relu && !(v > 0) ? 0 : v);
        store<u8>(arow + <usize>ox, <u8>((best / W - (oy * S - P)) * K + best % W - (ox * S - P)));
      }
    }
  }
}

/**
 * dx = 0, then ∂L/∂x[the cell argmax[o] of window o] += dout[o], on planes [plane0, plane1);
 * with y (≠ 0, the fused relu's output) += dout[o]·[y[o] > 0] instead.
 */
export function maxPoolBackward(
  argmax: usize, dout: usize, dx: usize, plane0: i32, plane1: i32, H: i32, W: i32, K: i32, S: i32, P: i32, OH: i32, OW: i32, y: usize,
): void {
  const pair = isPair(K, S, P);
  const one = i32x4.splat(1), two = i32x4.splat(2), zero = i32x4.splat(0);
  const relu = y != 0;
  for (let plane = plane0; plane < plane1; plane++) {
    const a = argmax + <usize>plane * <usize>(OH * OW);
    const d = dx + <usize>plane * <usize>(H * W * 4);
    const g = dout + <usize>plane * <usize>(OH * OW * 4);
    const yp = y + <usize>plane * <usize>(OH * OW * 4);
    // The pair path writes every cell its windows cover; an odd last row or column it does not.
    if (!pair || H != 2 * OH || W != 2 * OW) memory.fill(d, 0, <usize>(H * W * 4));
    for (let oy = 0; oy < OH; oy++) {
      const grow = g + <usize>(oy * OW * 4);
      const yrow = yp + <usize>(oy * OW * 4);
      const arow = a + <usize>(oy * OW);
      if (pair) {
        const d0 = d + <usize>(2 * oy * W * 4);
        const d1 = d0 + <usize>(W * 4);
        const whole = OW >= 4 ? OW : 0;
        for (let ox = 0; ox < whole; ox = ox + 4 < whole && ox + 8 > whole ? whole - 4 : ox + 4) {
          const at = <usize>(ox * 8);
          const cell = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(arow + <usize>ox)));
          const fromBottom = i32x4.ne(v128.and(cell, two), zero);
          const odd = i32x4.ne(v128.and(cell, one), zero);
          let grad = v128.load(grow + <usize>(ox * 4));
          if (relu) grad = v128.and(grad, f32x4.gt(v128.load(yrow + <usize>(ox * 4)), zero));
          const gTop = v128.andnot(grad, fromBottom);
          const gBottom = v128.and(grad, fromBottom);
          const te = v128.andnot(gTop, odd), to = v128.and(gTop, odd);
          const be = v128.andnot(gBottom, odd), bo = v128.and(gBottom, odd);
          v128.store(d0 + at, i32x4.shuffle(te, to, 0, 4, 1, 5));
          v128.store(d0 + at, i32x4.shuffle(te, to, 2, 6, 3, 7), 16);
          v128.store(d1 + at, i32x4.shuffle(be, bo, 0, 4, 1, 5));
          v128.store(d1 + at, i32x4.shuffle(be, bo, 2, 6, 3, 7), 16);
        }
        for (let ox = whole; ox < OW; ox++) {
          const i = <usize>(ox * 8);
          const cell = <i32>load<u8>(arow + <usize>ox);
          const v = relu && !(load<f32>(yrow + <usize>(ox * 4)) > 0) ? <f32>0 : load<f32>(grow + <usize>(ox * 4));
          store<f32>(d0 + i, cell == 0 ? v : 0);
          store<f32>(d0 + i + 4, cell == 1 ? v : 0);
          store<f32>(d1 + i, cell == 2 ? v : 0);
          store<f32>(d1 + i + 4, cell == 3 ? v : 0);
        }
        continue;
      }
      for (let ox = 0; ox < OW; ox++) {
        const cell = <i32>load<u8>(arow + <usize>ox);
        const yy = oy * S - P + cell / K;
        const xx = ox * S - P + cell % K;
        // NOTE: +=: overlapping windows (S < K) can share one maximum.
        const q = d + <usize>((yy * W + xx) * 4);
        if (relu && !(load<f32>(yrow + <usize>(ox * 4)) > 0)) continue;
        store<f32>(q, load<f32>(q) + load<f32>(grow + <usize>(ox * 4)));
      }
    }
  }
}

/** Index in the plane of the first maximum of window (oy, ox), padding skipped. */
function windowArgmax(base: usize, oy: i32, ox: i32, H: i32, W: i32, K: i32, S: i32, P: i32): i32 {
  const yStart = max(oy * S - P, 0);
  const yEnd = min(oy * S - P + K, H);
  const xStart = max(ox * S - P, 0);
  const xEnd = min(ox * S - P + K, W);
  let best = yStart * W + xStart;
  let bestValue = load<f32>(base + <usize>(best * 4));
  for (let y = yStart; y < yEnd; y++) {
    for (let i = y * W + xStart; i < y * W + xEnd; i++) {
      const v = load<f32>(base + <usize>(i * 4));
      const better = v > bestValue;
      best = better ? i : best;
      bestValue = better ? v : bestValue;
    }
  }
  return best;
}
