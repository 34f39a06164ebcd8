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

/** Floats of block scratch for the one-channel path: acc with its border, the filters tap-major and the list of nonzero pixels (forward), or xpad (backward). */
export function convPoolOneChannelFloats(FN: i32, H: i32, W: i32): i32 {
  return (H + 2) * (W + 2) * FN + 9 * FN + 2 * H * W;
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
  const list = taps + <usize>(9 * FN * 4);
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
    // (iy + 2 − fy, ix + 2 − fx), counting the border. The nonzero pixels are listed first (value,
    // acc's place for tap (0, 0)), without a branch; then for each 4 filters, their 9 taps stay
    // in registers over the list.
    const image = x + <usize>n * <usize>(H * W * 4);
    let count = 0;
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        const v = load<f32>(image + <usize>((iy * W + ix) * 4));
        const q = list + <usize>(count * 8);
        store<f32>(q, v);
        store<i32>(q, (iy + 2) * AW + ix + 2, 4);
        count += i32(v != 0);
      }
    }
    const row = <usize>AW * pixel;
    for (let f = 0; f < FN; f += 4) {
      const t = taps + <usize>(f * 4);
      const step = <usize>(FN * 4);
      const t00 = v128.load(t), t01 = v128.load(t + step), t02 = v128.load(t + 2 * step);
      const t10 = v128.load(t + 3 * step), t11 = v128.load(t + 4 * step), t12 = v128.load(t + 5 * step);
      const t20 = v128.load(t + 6 * step), t21 = v128.load(t + 7 * step), t22 = v128.load(t + 8 * step);
      const base = acc + <usize>(f * 4);
      for (let e = 0; e < count; e++) {
        const entry = list + <usize>(e * 8);
        const vv = f32x4.splat(load<f32>(entry));
        // q0: tap (0, 0)'s output; tap (fy, fx)'s is fy rows up and fx pixels left of it.
        const q0 = base + <usize>load<i32>(entry, 4) * pixel;
        const q1 = q0 - row, q2 = q1 - row;
        v128.store(q0, madd(vv, t00, v128.load(q0)));
        v128.store(q0 - pixel, madd(vv, t01, v128.load(q0 - pixel)));
        v128.store(q0 - 2 * pixel, madd(vv, t02, v128.load(q0 - 2 * pixel)));
        v128.store(q1, madd(vv, t10, v128.load(q1)));
        v128.store(q1 - pixel, madd(vv, t11, v128.load(q1 - pixel)));
        v128.store(q1 - 2 * pixel, madd(vv, t12, v128.load(q1 - 2 * pixel)));
        v128.store(q2, madd(vv, t20, v128.load(q2)));
        v128.store(q2 - pixel, madd(vv, t21, v128.load(q2 - pixel)));
        v128.store(q2 - 2 * pixel, madd(vv, t22, v128.load(q2 - 2 * pixel)));
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

