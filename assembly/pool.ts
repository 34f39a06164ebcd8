// Max pooling over K×K windows, stride S, padding P, on planes [plane0, plane1) of x
// (each plane H×W, out OH×OW):
//   out[o] = max over the window of o (padding cells skipped, never the maximum)
//   ∂L/∂x[argmax o] += dout[o]
// The argmax is found again in backward from x (the first maximum in row-major window
// order, as the portable kernel's branch-free loop finds it): no index buffer to keep.
// 2×2 windows with stride 2 and no padding, the common case, run 4 outputs per SIMD step:
//   top = x[i+1] > x[i] ? x[i+1] : x[i],  bottom likewise,  max = bottom > top ? bottom : top
// which is what pmax computes (pmax(a, b) = a < b ? b : a), NaN cases included.

// @ts-ignore: decorator
@inline
function isPair(K: i32, S: i32, P: i32): bool {
  return K == 2 && S == 2 && P == 0;
}

export function maxPoolForward(x: usize, out: usize, plane0: i32, plane1: i32, H: i32, W: i32, K: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const pair = isPair(K, S, P);
  for (let plane = plane0; plane < plane1; plane++) {
    const base = x + <usize>plane * <usize>(H * W * 4);
    const o = out + <usize>plane * <usize>(OH * OW * 4);
    for (let oy = 0; oy < OH; oy++) {
      const orow = o + <usize>(oy * OW * 4);
      if (pair) {
        const r0 = base + <usize>(2 * oy * W * 4);
        const r1 = r0 + <usize>(W * 4);
        let ox = 0;
        for (; ox + 4 <= OW && 2 * ox + 8 <= W; ox += 4) {
          const at = <usize>(ox * 8);
          const t0 = v128.load(r0 + at), t1 = v128.load(r0 + at, 16);
          const b0 = v128.load(r1 + at), b1 = v128.load(r1 + at, 16);
          const top = f32x4.pmax(i32x4.shuffle(t0, t1, 0, 2, 4, 6), i32x4.shuffle(t0, t1, 1, 3, 5, 7));
          const bottom = f32x4.pmax(i32x4.shuffle(b0, b1, 0, 2, 4, 6), i32x4.shuffle(b0, b1, 1, 3, 5, 7));
          v128.store(orow + <usize>(ox * 4), f32x4.pmax(top, bottom));
        }
        for (; ox < OW; ox++) {
          const i = <usize>(ox * 8);
          const a = load<f32>(r0 + i), b = load<f32>(r0 + i + 4);
          const c = load<f32>(r1 + i), d = load<f32>(r1 + i + 4);
          const top = b > a ? b : a;
          const bottom = d > c ? d : c;
          store<f32>(orow + <usize>(ox * 4), bottom > top ? bottom : top);
        }
        continue;
      }
      for (let ox = 0; ox < OW; ox++) {
        store<f32>(orow + <usize>(ox * 4), load<f32>(base + <usize>(windowArgmax(base, oy, ox, H, W, K, S, P) * 4)));
      }
    }
  }
}

/** dx = 0, then ∂L/∂x[argmax o] += dout[o], on planes [plane0, plane1). */
export function maxPoolBackward(x: usize, dout: usize, dx: usize, plane0: i32, plane1: i32, H: i32, W: i32, K: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const pair = isPair(K, S, P);
  for (let plane = plane0; plane < plane1; plane++) {
    const base = x + <usize>plane * <usize>(H * W * 4);
    const d = dx + <usize>plane * <usize>(H * W * 4);
    const g = dout + <usize>plane * <usize>(OH * OW * 4);
    // The pair path writes every cell its windows cover; an odd last row or column it does not.
    if (!pair || H != 2 * OH || W != 2 * OW) {
      for (let i = 0; i < H * W; i++) store<f32>(d + <usize>(i * 4), 0);
    }
    for (let oy = 0; oy < OH; oy++) {
      const grow = g + <usize>(oy * OW * 4);
      if (pair) {
        const r0 = base + <usize>(2 * oy * W * 4);
        const r1 = r0 + <usize>(W * 4);
        const d0 = d + <usize>(2 * oy * W * 4);
        const d1 = d0 + <usize>(W * 4);
        let ox = 0;
        for (; ox + 4 <= OW && 2 * ox + 8 <= W; ox += 4) {
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
          const grad = v128.load(grow + <usize>(ox * 4));
          const gTop = v128.andnot(grad, fromBottom);
          const gBottom = v128.and(grad, fromBottom);
          const te2 = v128.andnot(gTop, topOdd), to2 = v128.and(gTop, topOdd);
          const be2 = v128.andnot(gBottom, bottomOdd), bo2 = v128.and(gBottom, bottomOdd);
          v128.store(d0 + at, i32x4.shuffle(te2, to2, 0, 4, 1, 5));
          v128.store(d0 + at, i32x4.shuffle(te2, to2, 2, 6, 3, 7), 16);
          v128.store(d1 + at, i32x4.shuffle(be2, bo2, 0, 4, 1, 5));
          v128.store(d1 + at, i32x4.shuffle(be2, bo2, 2, 6, 3, 7), 16);
        }
        for (; ox < OW; ox++) {
          const i = <usize>(ox * 8);
          const a = load<f32>(r0 + i), b = load<f32>(r0 + i + 4);
          const c = load<f32>(r1 + i), e = load<f32>(r1 + i + 4);
          const topOdd = b > a;
          const bottomOdd = e > c;
          const top = topOdd ? b : a;
          const bottom = bottomOdd ? e : c;
          const fromBottom = bottom > top;
          const v = load<f32>(grow + <usize>(ox * 4));
          store<f32>(d0 + i, !fromBottom && !topOdd ? v : 0);
          store<f32>(d0 + i + 4, !fromBottom && topOdd ? v : 0);
          store<f32>(d1 + i, fromBottom && !bottomOdd ? v : 0);
          store<f32>(d1 + i + 4, fromBottom && bottomOdd ? v : 0);
        }
        continue;
      }
      for (let ox = 0; ox < OW; ox++) {
        // NOTE: +=: overlapping windows (S < K) can share one maximum.
        const q = d + <usize>(windowArgmax(base, oy, ox, H, W, K, S, P) * 4);
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
