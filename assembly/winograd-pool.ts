// Winograd's F(2×2, 3×3) output transform fused with the 2×2 stride-2 max pooling after the
// convolution: a tile of output is exactly a pooling window, so each tile's four outputs go
// straight to their maximum (and its cell, and Relu if asked), never to memory. H, W even.

import { storeWindowMax } from './conv-pool';
import { outputP, outputQ } from './winograd';

/** out[co, ty, tx] (each Cout×H/2×W/2) = [relu] max of (Aᵀ M A) (+ bias[co]) over tile (ty, tx) of one image (rows t0 … of M). */
export function transformOutputPooled(
  m: usize, out: usize, argmax: usize, bias: usize, t0: i32, tiles: i32, Cout: i32, H: i32, W: i32, relu: bool,
): void {
  const TH = H >> 1, TW = W >> 1;
  const plane = <usize>(tiles * Cout * 4);
  const pooled = <usize>(TH * TW);
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const t = t0 + ty * TW + tx;
      const at = <usize>(ty * TW + tx);
      for (let co = 0; co < Cout; co += 4) {
        const src = m + <usize>((t * Cout + co) * 4);
        // (Aᵀ M) rows 0 and 1, column ν: p = M0 + M1 + M2, q = M1 − M2 − M3 (as transformOutput).
        const p0 = outputP(src, plane), q0 = outputQ(src, plane);
        const p1 = outputP(src + plane, plane), q1 = outputQ(src + plane, plane);
        const p2 = outputP(src + 2 * plane, plane), q2 = outputQ(src + 2 * plane, plane);
        const p3 = outputP(src + 3 * plane, plane), q3 = outputQ(src + 3 * plane, plane);
        let y00 = f32x4.add(f32x4.add(p0, p1), p2), y01 = f32x4.sub(f32x4.sub(p1, p2), p3);
        let y10 = f32x4.add(f32x4.add(q0, q1), q2), y11 = f32x4.sub(f32x4.sub(q1, q2), q3);
        if (bias != 0) {
          const b = v128.load(bias + <usize>(co * 4));
          y00 = f32x4.add(y00, b);
          y01 = f32x4.add(y01, b);
          y10 = f32x4.add(y10, b);
          y11 = f32x4.add(y11, b);
        }
        storeWindowMax(y00, y01, y10, y11, relu, out + (<usize>co * pooled + at) * 4, argmax + <usize>co * pooled + at, pooled);
      }
    }
  }
}
