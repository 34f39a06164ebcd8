// Backward of a convolution whose 2×2 (or any) max pooling, and maybe Relu, came after it,
// from the pooling's gradient dpool: window o passes g = dpool[o]·[y[o] > 0] (y: the Relu's
// output, or none) to its maximum alone, the cell argmax[o], so ∂L/∂out is mostly zeros.
// The one-channel first layer takes its ∂L/∂W and ∂L/∂b from that directly, never making
// ∂L/∂out (its input is data: no ∂L/∂x). (∂L/∂x of a 3×3 layer scattered the same way, from
// the windows with g ≠ 0 only, was slower than Winograd's: 4.7 against 2.6 ms a batch here.)

import { madd } from './simd';

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
