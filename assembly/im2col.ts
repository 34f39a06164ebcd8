// im2col and col2im of one image, for the convolution kernels (conv.ts):
//   col[(c·FH + fy)·FW + fx, oy·OW + ox] = x[c, oy·S + fy − P, ox·S + fx − P]   (0 in the padding)
// and col2im, its adjoint: each pixel of dx gets the sum of the col entries taken from it.
//
// A stride-1 convolution whose output is as wide as its input (OW = W: FW = 2P + 1, "same")
// maps a whole plane of col (one (c, fy, fx)) onto its channel with one shift,
//   col[., oy·W + ox] = x[c, oy·W + ox + (fy − P)·W + (fx − P)],
// so each plane is one contiguous copy (or addition), with the ≤ P padding columns at each
// end of a row fixed afterwards, instead of OH short runs: that is both of the cnn's layers.

/** The first oy (or ox) whose input row oy·S + f − P is ≥ 0, and the end of those < size. */
// @ts-ignore: decorator
@inline
function insideLow(f: i32, S: i32, P: i32, out: i32): i32 {
  const t = P - f;
  return min(out, max(0, t <= 0 ? 0 : (t + S - 1) / S));
}

// @ts-ignore: decorator
@inline
function insideHigh(f: i32, S: i32, P: i32, size: i32, out: i32, low: i32): i32 {
  const t = size - 1 + P - f;
  return max(low, min(out, t < 0 ? 0 : t / S + 1));
}

/** dst[0 .. count) = 0. (NOTE: loops, not memory.fill: on shared memory a bulk-memory call costs more than a short run's stores.) */
// @ts-ignore: decorator
@inline
export function zeroFloats(dst: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + <usize>(i * 4), zero);
  for (; i < count; i++) store<f32>(dst + <usize>(i * 4), 0);
}

/** dst[0 .. count) = src[0 .. count) (short runs: loops, as above). */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + <usize>(i * 4), v128.load(src + <usize>(i * 4)));
  for (; i < count; i++) store<f32>(dst + <usize>(i * 4), load<f32>(src + <usize>(i * 4)));
}

/** dst[0 .. count) += src[0 .. count). */
// @ts-ignore: decorator
@inline
function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const q = dst + <usize>(i * 4);
    v128.store(q, f32x4.add(v128.load(q), v128.load(src + <usize>(i * 4))));
  }
  for (; i < count; i++) {
    const q = dst + <usize>(i * 4);
    store<f32>(q, load<f32>(q) + load<f32>(src + <usize>(i * 4)));
  }
}

/** Zeros columns [0, low) and [high, OW) of rows [rowLow, rowHigh) of one col plane. */
// @ts-ignore: decorator
@inline
function zeroEdges(plane: usize, OW: i32, rowLow: i32, rowHigh: i32, low: i32, high: i32): void {
  if (low == 0 && high == OW) return;
  for (let oy = rowLow; oy < rowHigh; oy++) {
    const row = plane + <usize>(oy * OW * 4);
    for (let ox = 0; ox < low; ox++) store<f32>(row + <usize>(ox * 4), 0);
    for (let ox = high; ox < OW; ox++) store<f32>(row + <usize>(ox * 4), 0);
  }
}

/** Whether a plane of col is its channel shifted (see the header). */
// @ts-ignore: decorator
@inline
function planeShift(W: i32, S: i32, OW: i32): bool {
  return S == 1 && OW == W;
}

/** im2col of one image: col (K = C·FH·FW rows of OH·OW). */
export function im2colImage(x: usize, col: usize, C: i32, H: i32, W: i32, FH: i32, FW: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const positions = OH * OW;
  const shifted = planeShift(W, S, OW);
  let out = col;
  for (let c = 0; c < C; c++) {
    const channel = x + <usize>(c * H * W * 4);
    for (let fy = 0; fy < FH; fy++) {
      const rowLow = insideLow(fy, S, P, OH);
      const rowHigh = insideHigh(fy, S, P, H, OH, rowLow);
      for (let fx = 0; fx < FW; fx++) {
        const low = insideLow(fx, S, P, OW);
        const high = insideHigh(fx, S, P, W, OW, low);
        if (shifted) {
          // Positions d of rows [rowLow, rowHigh) read channel[d + shift]; only those inside
          // the channel are copied (the others are padding), then the padding columns,
          // copied from the neighbouring rows, are zeroed.
          const shift = (fy - P) * W + fx - P;
          const start = min(rowHigh * OW, max(rowLow * OW, -shift));
          const end = max(start, min(rowHigh * OW, H * W - shift));
          zeroFloats(out, start);
          copyFloats(out + <usize>(start * 4), channel + <usize>((start + shift) * 4), end - start);
          zeroFloats(out + <usize>(end * 4), positions - end);
          zeroEdges(out, OW, rowLow, rowHigh, low, high);
          out += <usize>(positions * 4);
          continue;
        }
        zeroFloats(out, rowLow * OW);
        for (let oy = rowLow; oy < rowHigh; oy++) {
          const to = out + <usize>(oy * OW * 4);
          const row = channel + <usize>(((oy * S + fy - P) * W + fx - P) * 4);
          for (let ox = 0; ox < low; ox++) store<f32>(to + <usize>(ox * 4), 0);
          if (S == 1) {
            copyFloats(to + <usize>(low * 4), row + <usize>(low * 4), high - low);
          } else {
            for (let ox = low; ox < high; ox++) store<f32>(to + <usize>(ox * 4), load<f32>(row + <usize>(ox * S * 4)));
          }
          for (let ox = high; ox < OW; ox++) store<f32>(to + <usize>(ox * 4), 0);
        }
        zeroFloats(out + <usize>(rowHigh * OW * 4), (OH - rowHigh) * OW);
        out += <usize>(positions * 4);
      }
    }
  }
}

/**
 * col2im of one image: dx[c, iy, ix] = Σ of the col entries im2col took from that pixel.
 * NOTE: with shifted planes the padding entries of col are zeroed first (col is scratch)
 * and the plane added whole: a sum of −0s may then end as +0.
 */
export function col2imImage(col: usize, dx: usize, C: i32, H: i32, W: i32, FH: i32, FW: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const positions = OH * OW;
  const shifted = planeShift(W, S, OW);
  zeroFloats(dx, C * H * W);
  let from = col;
  for (let c = 0; c < C; c++) {
    const channel = dx + <usize>(c * H * W * 4);
    for (let fy = 0; fy < FH; fy++) {
      const rowLow = insideLow(fy, S, P, OH);
      const rowHigh = insideHigh(fy, S, P, H, OH, rowLow);
      for (let fx = 0; fx < FW; fx++) {
        const low = insideLow(fx, S, P, OW);
        const high = insideHigh(fx, S, P, W, OW, low);
        if (shifted) {
          const shift = (fy - P) * W + fx - P;
          const start = min(rowHigh * OW, max(rowLow * OW, -shift));
          const end = max(start, min(rowHigh * OW, H * W - shift));
          zeroEdges(from, OW, rowLow, rowHigh, low, high);
          addFloats(channel + <usize>((start + shift) * 4), from + <usize>(start * 4), end - start);
          from += <usize>(positions * 4);
          continue;
        }
        for (let oy = rowLow; oy < rowHigh; oy++) {
          const f = from + <usize>(oy * OW * 4);
          const row = channel + <usize>(((oy * S + fy - P) * W + fx - P) * 4);
          if (S == 1) {
            addFloats(row + <usize>(low * 4), f + <usize>(low * 4), high - low);
          } else {
            for (let ox = low; ox < high; ox++) {
              const q = row + <usize>(ox * S * 4);
              store<f32>(q, load<f32>(q) + load<f32>(f + <usize>(ox * 4)));
            }
          }
        }
        from += <usize>(positions * 4);
      }
    }
  }
}
