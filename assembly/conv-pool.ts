// A convolution and the 2×2 stride-2 max pooling after it (and a Relu after that), in one
// pass whose convolution output never reaches memory:
//   out[n, f, py, px] = [relu] max over the window (2py + dy, 2px + dx) of conv(x)[n, f]
//   argmax[…] = 2·dy + dx of the window's first maximum (as assembly/pool.ts keeps it)
// Two ways in: Winograd's output tiles are 2×2, the window itself (winograd.ts); and a first
// convolution on one channel (MNIST), below, which scatters each nonzero pixel into the
// outputs it feeds, skipping the zeros (about 80% of MNIST's pixels):
//   acc[oy, ox, :] = b + Σ_{pixels v at (oy + fy − 1, ox + fx − 1), v ≠ 0} v · W[:, fy, fx]
// acc is one image's output, channel-last (4 filters a SIMD step) with a border of one
// pixel that the taps falling outside the image write to and nothing reads.

import { madd } from './simd';

/** Whether the direct one-channel path applies: C = 1, 3×3, stride 1, pad 1, filters in fours. */
export function convPoolOneChannel(C: i32, FN: i32, FH: i32, FW: i32, S: i32, P: i32): bool {
  return C == 1 && FH == 3 && FW == 3 && S == 1 && P == 1 && (FN & 3) == 0;
}

/** Floats of block scratch for the one-channel path: acc with its border and the filters tap-major (forward), or xpad (backward). */
export function convPoolOneChannelFloats(FN: i32, H: i32, W: i32): i32 {
  return (H + 2) * (W + 2) * FN + 9 * FN;
}

/** Whether the one-channel path applies to a 2×2 stride-2 pooling over an H×W output. */
export function convPoolOneChannelPair(C: i32, FN: i32, FH: i32, FW: i32, S: i32, P: i32, H: i32, W: i32, PK: i32, PS: i32, PP: i32): bool {
  return convPoolOneChannel(C, FN, FH, FW, S, P) && PK == 2 && PS == 2 && PP == 0 && (H & 1) == 0 && (W & 1) == 0;
}

/**
 * The window max of 4 channels (the lanes) over the 2×2 window y00 y01 / y10 y11, with Relu
 * if asked, and its cell, stored for lane l at out + l·plane floats and argmax + l·plane bytes.
 */
// @ts-ignore: decorator
@inline
export function storeWindowMax(y00: v128, y01: v128, y10: v128, y11: v128, relu: bool, out: usize, argmax: usize, plane: usize): void {
  const topOdd = f32x4.gt(y01, y00);
  const bottomOdd = f32x4.gt(y11, y10);
  const top = v128.bitselect(y01, y00, topOdd);
  const bottom = v128.bitselect(y11, y10, bottomOdd);
  const fromBottom = f32x4.gt(bottom, top);
  let best = v128.bitselect(bottom, top, fromBottom);
  // pmax(0, v) = 0 < v ? v : 0: Relu's kernel (a NaN gives 0)
  if (relu) best = f32x4.pmax(f32x4.splat(0), best);
  const cell = v128.or(v128.and(fromBottom, i32x4.splat(2)), v128.and(v128.bitselect(bottomOdd, topOdd, fromBottom), i32x4.splat(1)));
  store<f32>(out, f32x4.extract_lane(best, 0));
  store<f32>(out + plane * 4, f32x4.extract_lane(best, 1));
  store<f32>(out + plane * 8, f32x4.extract_lane(best, 2));
  store<f32>(out + plane * 12, f32x4.extract_lane(best, 3));
  store<u8>(argmax, <u8>i32x4.extract_lane(cell, 0));
  store<u8>(argmax + plane, <u8>i32x4.extract_lane(cell, 1));
  store<u8>(argmax + 2 * plane, <u8>i32x4.extract_lane(cell, 2));
  store<u8>(argmax + 3 * plane, <u8>i32x4.extract_lane(cell, 3));
}

/**
 * Images [n0, n1) of x (each 1×H×W, H and W even) through the 3×3 pad-1 convolution (w:
 * FN×1×3×3, bias: FN), then the 2×2 pooling: out (each FN×H/2×W/2) and argmax.
 */
export function convPoolOneChannelImages(
  x: usize, w: usize, bias: usize, out: usize, argmax: usize, n0: i32, n1: i32, FN: i32, H: i32, W: i32, relu: bool, block: usize,
): void {
  const AW = W + 2;
  const pixel = <usize>(FN * 4);
  const acc = block;
  const taps = acc + <usize>((H + 2) * AW) * pixel;
  // taps[t][f] = w[f, t]: a tap's weights for 4 filters in one load.
  for (let f = 0; f < FN; f++) {
    for (let t = 0; t < 9; t++) store<f32>(taps + <usize>((t * FN + f) * 4), load<f32>(w + <usize>((f * 9 + t) * 4)));
  }
  const OH = H >> 1, OW = W >> 1;
  const plane = <usize>(OH * OW);
  for (let n = n0; n < n1; n++) {
    // acc = b inside the border
    for (let oy = 1; oy <= H; oy++) {
      for (let ox = 1; ox <= W; ox++) {
        const q = acc + <usize>(oy * AW + ox) * pixel;
        for (let f = 0; f < FN; f += 4) v128.store(q + <usize>(f * 4), v128.load(bias + <usize>(f * 4)));
      }
    }
    // Pixel (iy, ix) feeds output (iy + 1 − fy, ix + 1 − fx) through tap (fy, fx): at acc's
    // (iy + 2 − fy, ix + 2 − fx), counting the border.
    const image = x + <usize>n * <usize>(H * W * 4);
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        const v = load<f32>(image + <usize>((iy * W + ix) * 4));
        if (v == 0) continue;
        const vv = f32x4.splat(v);
        for (let fy = 0; fy < 3; fy++) {
          for (let fx = 0; fx < 3; fx++) {
            const q = acc + <usize>((iy + 2 - fy) * AW + ix + 2 - fx) * pixel;
            const t = taps + <usize>((fy * 3 + fx) * FN * 4);
            for (let f = 0; f < FN; f += 4) {
              const at = <usize>(f * 4);
              v128.store(q + at, madd(vv, v128.load(t + at), v128.load(q + at)));
            }
          }
        }
      }
    }
    const o = out + <usize>n * <usize>FN * plane * 4;
    const a = argmax + <usize>n * <usize>FN * plane;
    for (let py = 0; py < OH; py++) {
      for (let px = 0; px < OW; px++) {
        const q = acc + <usize>((2 * py + 1) * AW + 2 * px + 1) * pixel;
        const below = <usize>AW * pixel;
        const at = <usize>(py * OW + px);
        for (let f = 0; f < FN; f += 4) {
          const c = <usize>(f * 4);
          const y00 = v128.load(q + c), y01 = v128.load(q + pixel + c);
          const y10 = v128.load(q + below + c), y11 = v128.load(q + below + pixel + c);
          storeWindowMax(y00, y01, y10, y11, relu, o + (<usize>f * plane + at) * 4, a + <usize>f * plane + at, plane);
        }
      }
    }
  }
}

/**
 * ∂L/∂W and ∂L/∂b of the one-channel path, from the pooling's gradient (no ∂L/∂x: the first
 * layer's input is data). Each window passes its gradient g = dpool·[y > 0] (y: the fused
 * Relu's output, 0 = none) to its maximum at (oy, ox) = (2py + dy, 2px + dx), so
 *   ∂L/∂W[f, fy, fx] += g · xpad[oy + fy, ox + fx]     ∂L/∂b[f] += g
 * with xpad the image in a border of zeros; a patch row's 3 taps are one 4-float load (the
 * 4th lane unused). Adds to dwT (9×FN: tap-major, as conv.ts's partials) and db.
 */
export function convPoolOneChannelGrad(
  x: usize, dpool: usize, argmax: usize, y: usize, dwT: usize, db: usize, n0: i32, n1: i32, FN: i32, H: i32, W: i32, block: usize,
): void {
  const PW = W + 2;
  const xpad = block;
  // The border stays zero: only the inside is written below. (+4 floats: a last row's 4th lane.)
  memory.fill(xpad, 0, <usize>(((H + 2) * PW + 4) * 4));
  const OH = H >> 1, OW = W >> 1;
  const plane = OH * OW;
  for (let n = n0; n < n1; n++) {
    const image = x + <usize>n * <usize>(H * W * 4);
    for (let iy = 0; iy < H; iy++) memory.copy(xpad + <usize>(((iy + 1) * PW + 1) * 4), image + <usize>(iy * W * 4), <usize>(W * 4));
    for (let f = 0; f < FN; f++) {
      const o = <usize>((n * FN + f) * plane);
      // Two sets of sums, for even and odd windows: a multiply-add waits on the one before.
      let r0 = f32x4.splat(0), r1 = f32x4.splat(0), r2 = f32x4.splat(0);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0);
      let bias: f32 = 0;
      const row = <usize>(PW * 4);
      for (let py = 0; py < OH; py++) {
        const q0 = o + <usize>(py * OW);
        const top = xpad + <usize>(2 * py) * row;
        let px = 0;
        for (; px + 2 <= OW; px += 2) {
          const q = q0 + <usize>px;
          const g = windowGradient(dpool, y, q), h = windowGradient(dpool, y, q + 1);
          const c = <i32>load<u8>(argmax + q), d = <i32>load<u8>(argmax + q + 1);
          const at = top + <usize>(c >> 1) * row + <usize>((2 * px + (c & 1)) * 4);
          const bt = top + <usize>(d >> 1) * row + <usize>((2 * px + 2 + (d & 1)) * 4);
          const gg = f32x4.splat(g), hh = f32x4.splat(h);
          bias += g;
          bias += h;
          r0 = madd(gg, v128.load(at), r0);
          r1 = madd(gg, v128.load(at + row), r1);
          r2 = madd(gg, v128.load(at + 2 * row), r2);
          s0 = madd(hh, v128.load(bt), s0);
          s1 = madd(hh, v128.load(bt + row), s1);
          s2 = madd(hh, v128.load(bt + 2 * row), s2);
        }
        if (px < OW) {
          const q = q0 + <usize>px;
          const g = windowGradient(dpool, y, q);
          const c = <i32>load<u8>(argmax + q);
          const at = top + <usize>(c >> 1) * row + <usize>((2 * px + (c & 1)) * 4);
          const gg = f32x4.splat(g);
          bias += g;
          r0 = madd(gg, v128.load(at), r0);
          r1 = madd(gg, v128.load(at + row), r1);
          r2 = madd(gg, v128.load(at + 2 * row), r2);
        }
      }
      addRow(dwT, FN, f, 0, f32x4.add(r0, s0));
      addRow(dwT, FN, f, 1, f32x4.add(r1, s1));
      addRow(dwT, FN, f, 2, f32x4.add(r2, s2));
      store<f32>(db + <usize>(f * 4), load<f32>(db + <usize>(f * 4)) + bias);
    }
  }
}

/** dpool[q]·[y[q] > 0] (y = 0: no Relu). */
// @ts-ignore: decorator
@inline
function windowGradient(dpool: usize, y: usize, q: usize): f32 {
  const g = load<f32>(dpool + q * 4);
  return y == 0 || load<f32>(y + q * 4) > 0 ? g : 0;
}

/** dwT[(3·fy + fx)·FN + f] += sums[fx] for fx = 0, 1, 2. */
// @ts-ignore: decorator
@inline
function addRow(dwT: usize, FN: i32, f: i32, fy: i32, sums: v128): void {
  const q0 = dwT + <usize>((3 * fy * FN + f) * 4);
  const step = <usize>(FN * 4);
  store<f32>(q0, load<f32>(q0) + f32x4.extract_lane(sums, 0));
  store<f32>(q0 + step, load<f32>(q0 + step) + f32x4.extract_lane(sums, 1));
  store<f32>(q0 + 2 * step, load<f32>(q0 + 2 * step) + f32x4.extract_lane(sums, 2));
}
