// Backward of a convolution whose 2×2 (or any) max pooling, and maybe Relu, came after it,
// from the pooling's gradient dpool: window o passes g = dpool[o]·[y[o] > 0] (y: the Relu's
// output, or none) to its maximum alone, the cell argmax[o], so ∂L/∂out is mostly zeros.
// ∂L/∂W and ∂L/∂b are taken from that directly, never making ∂L/∂out: for the one-channel
// first layer (its input is data: no ∂L/∂x), and for a 3×3 layer on channels in fours.
// (∂L/∂x of a 3×3 layer scattered the same way, from the windows with g ≠ 0 only, was slower
// than Winograd's: ≈4.6 against ≈2.6 ms a batch of the cnn's second layer on one thread.)

import { madd } from './simd';
import { padChannelsLast, paddedRows } from './winograd';

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

/** Whether convPoolWeightGrad applies: 3×3, stride 1, pad 1, input channels in fours. */
export function convPoolWeightGradApplies(C: i32, FH: i32, FW: i32, S: i32, P: i32): bool {
  return FH == 3 && FW == 3 && S == 1 && P == 1 && (C & 3) == 0;
}

/** Floats of block scratch for convPoolWeightGrad: the padded image channel-last, the sums, a list, a table of cells. */
export function convPoolWeightGradFloats(C: i32, FN: i32, H: i32, W: i32): i32 {
  return paddedRows(H) * paddedRows(W) * C + FN * 9 * C + 2 * H * W + 128;
}

/**
 * ∂L/∂W and ∂L/∂b of images [n0, n1) of a 3×3 pad-1 convolution (x: C×H×W each) from the
 * pooling's gradient over its output (windows K×K, stride PS, pad PP; OH2×OW2 per channel):
 *   ∂L/∂W[co, :, fy, fx] += g · x[:, oy + fy − 1, ox + fx − 1]     ∂L/∂b[co] += g
 * for each window of channel co with g ≠ 0, its maximum at (oy, ox). Per co, those windows
 * are listed (without a branch), then each row fy of taps sums over the list in registers:
 * 3 taps × 8 channels, 6 f32x4, from the image channel-last (padChannelsLast). A quarter or
 * so of the multiplications of Winograd's ∂L/∂W (half the windows passing a gradient), none
 * of its transforms. Adds to dwT
 * (K×FN, K = c·9 + tap: conv.ts's partials) and db.
 */
export function convPoolWeightGrad(
  x: usize, dpool: usize, argmax: usize, y: usize, dwT: usize, db: usize, n0: i32, n1: i32, C: i32, FN: i32, H: i32, W: i32,
  K: i32, PS: i32, PP: i32, OH2: i32, OW2: i32, block: usize,
): void {
  const PW = paddedRows(W);
  const pixel = <usize>(C * 4);
  const xpad = block;
  const sums = xpad + <usize>(paddedRows(H) * PW) * pixel;
  const list = sums + <usize>(FN * 9) * pixel;
  const cells = list + <usize>(OH2 * OW2 * 8);
  const plane = OH2 * OW2;
  // A window's cell as row and column (cell / K, cell % K) by table: a division per window cost more than the rest.
  for (let cell = 0; cell < 256; cell++) {
    store<u8>(cells + <usize>cell, <u8>(cell / K));
    store<u8>(cells + 256 + <usize>cell, <u8>(cell % K));
  }
  // sums[co][tap][c], zero first: added to dwT once, at the end.
  memory.fill(sums, 0, <usize>(FN * 9) * pixel);
  for (let n = n0; n < n1; n++) {
    padChannelsLast(x + <usize>n * <usize>(C * H * W * 4), xpad, C, H, W);
    for (let co = 0; co < FN; co++) {
      const at = <usize>((n * FN + co) * plane);
      let count = 0;
      let bias: f32 = 0;
      for (let py = 0; py < OH2; py++) {
        for (let px = 0; px < OW2; px++) {
          const o = at + <usize>(py * OW2 + px);
          const g = load<f32>(dpool + o * 4);
          const live = g != 0 && (y == 0 || load<f32>(y + o * 4) > 0);
          const cell = <usize>load<u8>(argmax + o);
          // The maximum (oy, ox); its patch's corner in xpad is (oy, ox) too (a border of one).
          const oy = py * PS - PP + <i32>load<u8>(cells + cell), ox = px * PS - PP + <i32>load<u8>(cells + 256 + cell);
          const q = list + <usize>(count * 8);
          store<f32>(q, g);
          store<i32>(q, oy * PW + ox, 4);
          bias += live ? g : 0;
          count += i32(live);
        }
      }
      store<f32>(db + <usize>(co * 4), load<f32>(db + <usize>(co * 4)) + bias);
      const eights = C & ~7;
      for (let fy = 0; fy < 3; fy++) {
        const s = sums + <usize>((co * 9 + fy * 3) * C) * 4;
        const rowAt = xpad + <usize>(fy * PW) * pixel;
        patchRow8(list, count, rowAt, pixel, s, pixel, eights);
        if (eights < C) patchRow4(list, count, rowAt + <usize>(eights * 4), pixel, s + <usize>(eights * 4), pixel, C - eights);
      }
    }
  }
  // dwT[(c·9 + tap)·FN + co] += sums[co][tap][c]
  for (let co = 0; co < FN; co++) {
    for (let t = 0; t < 9; t++) {
      for (let c = 0; c < C; c++) {
        const q = dwT + <usize>(((c * 9 + t) * FN + co) * 4);
        store<f32>(q, load<f32>(q) + load<f32>(sums + <usize>(((co * 9 + t) * C + c) * 4)));
      }
    }
  }
}

/**
 * sums[fx][v..v + 8) += Σ_list g · xpad[corner + fx pixels][v..v + 8) for fx = 0, 1, 2 and
 * each 8 channels v: 6 f32x4 of sums in registers. (Measured slower: 12 sums, a row of 16
 * channels, which the engine spilled; 9, the 9 taps of 4 channels.)
 */
function patchRow8(list: usize, count: i32, rowAt: usize, pixel: usize, s: usize, tap: usize, lanes: i32): void {
  for (let v = 0; v < lanes; v += 8) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0), c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    const off = <usize>(v * 4);
    for (let e = 0; e < count; e++) {
      const entry = list + <usize>(e * 8);
      const gg = f32x4.splat(load<f32>(entry));
      const p = rowAt + <usize>load<i32>(entry, 4) * pixel + off;
      a0 = madd(gg, v128.load(p), a0);
      a1 = madd(gg, v128.load(p, 16), a1);
      b0 = madd(gg, v128.load(p + pixel), b0);
      b1 = madd(gg, v128.load(p + pixel, 16), b1);
      c0 = madd(gg, v128.load(p + 2 * pixel), c0);
      c1 = madd(gg, v128.load(p + 2 * pixel, 16), c1);
    }
    addSums(s + off, a0, a1);
    addSums(s + tap + off, b0, b1);
    addSums(s + 2 * tap + off, c0, c1);
  }
}

/** patchRow8 for a last group of 4 channels. */
function patchRow4(list: usize, count: i32, rowAt: usize, pixel: usize, s: usize, tap: usize, lanes: i32): void {
  for (let v = 0; v < lanes; v += 4) {
    let a = f32x4.splat(0), b = f32x4.splat(0), c = f32x4.splat(0);
    const off = <usize>(v * 4);
    for (let e = 0; e < count; e++) {
      const entry = list + <usize>(e * 8);
      const gg = f32x4.splat(load<f32>(entry));
      const p = rowAt + <usize>load<i32>(entry, 4) * pixel + off;
      a = madd(gg, v128.load(p), a);
      b = madd(gg, v128.load(p + pixel), b);
      c = madd(gg, v128.load(p + 2 * pixel), c);
    }
    v128.store(s + off, f32x4.add(v128.load(s + off), a));
    v128.store(s + tap + off, f32x4.add(v128.load(s + tap + off), b));
    v128.store(s + 2 * tap + off, f32x4.add(v128.load(s + 2 * tap + off), c));
  }
}

// @ts-ignore: decorator
@inline
function addSums(s: usize, a0: v128, a1: v128): void {
  v128.store(s, f32x4.add(v128.load(s), a0));
  v128.store(s, f32x4.add(v128.load(s, 16), a1), 16);
}
