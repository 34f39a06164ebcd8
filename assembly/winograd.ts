// 3×3 convolutions, stride 1, pad 1, by Winograd's F(2×2, 3×3) (Lavin & Gray, 2015): each
// 2×2 block of output pixels ("tile") from the 4×4 input patch d around it,
//   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// 16 products per tile and channel pair instead of 36. Summed over input channels, the ⊙
// becomes 16 matrix products, one per (ξ, ν) of the 4×4 transformed tile:
//   M[ξν] (tiles × Cout) = V[ξν] (tiles × Cin) · U[ξν] (Cin × Cout)
// with V = Bᵀ d B per tile and input channel, U = G g Gᵀ per filter. The forward pass is
// one (Cin = C, Cout = FN, g = W[f, c]); so is ∂L/∂x, a convolution of dout with the
// filters turned 180° and their two channel axes swapped (Cin = FN, Cout = C). Images go in
// groups of WINOGRAD_GROUP, their tiles stacked in the products' rows; lanes of the transforms run
// over 4 channels, so the image is first copied channel-last (HWC) with its zero border.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]

import { gemm } from './gemm';
import { transformOutputPooled } from './winograd-pool';

/** Images whose tiles share one set of products. */
export const WINOGRAD_GROUP: i32 = 2;

/** Whether F(2×2, 3×3) applies, with Cin input and Cout output channels (lanes run over 4 of them). */
export function winogradApplies(Cin: i32, Cout: i32, FH: i32, FW: i32, S: i32, P: i32): bool {
  return FH == 3 && FW == 3 && S == 1 && P == 1 && Cin >= 8 && (Cin & 3) == 0 && (Cout & 3) == 0;
}

/** Floats of block scratch: U, one padded image, V and M of a group. */
export function winogradFloats(Cin: i32, Cout: i32, H: i32, W: i32): i32 {
  const tiles = WINOGRAD_GROUP * ((H + 1) >> 1) * ((W + 1) >> 1);
  return 16 * Cin * Cout + paddedRows(H) * paddedRows(W) * Cin + 16 * tiles * (Cin + Cout);
}

// @ts-ignore: decorator
@inline
export function paddedRows(size: i32): i32 {
  return 2 * ((size + 1) >> 1) + 2;
}

/**
 * U[ξν][ci][co] = (G g Gᵀ)[ξ][ν]; g = W[co, ci] (forward), or with `turned`, g[u][v] =
 * W[ci, co, 2 − u, 2 − v] (W is then FN = Cin × C = Cout, for ∂L/∂x).
 */
function transformFilters(w: usize, u: usize, Cin: i32, Cout: i32, turned: bool): void {
  for (let ci = 0; ci < Cin; ci++) {
    for (let co = 0; co < Cout; co++) {
      const g = w + <usize>((turned ? ci * Cout + co : co * Cin + ci) * 36);
      const out = u + <usize>((ci * Cout + co) * 4);
      const step = <usize>(Cin * Cout * 4);
      for (let xi = 0; xi < 4; xi++) {
        // Row xi of G g: three values r0, r1, r2 (columns of g).
        let r0: f32, r1: f32, r2: f32;
        if (xi == 0 || xi == 3) {
          const row = xi == 0 ? 0 : 2;
          r0 = tap(g, row, 0, turned);
          r1 = tap(g, row, 1, turned);
          r2 = tap(g, row, 2, turned);
        } else {
          const sign: f32 = xi == 1 ? 1 : -1;
          r0 = (tap(g, 0, 0, turned) + sign * tap(g, 1, 0, turned) + tap(g, 2, 0, turned)) * 0.5;
          r1 = (tap(g, 0, 1, turned) + sign * tap(g, 1, 1, turned) + tap(g, 2, 1, turned)) * 0.5;
          r2 = (tap(g, 0, 2, turned) + sign * tap(g, 1, 2, turned) + tap(g, 2, 2, turned)) * 0.5;
        }
        const q = out + <usize>(xi * 4) * step;
        store<f32>(q, r0);
        store<f32>(q + step, (r0 + r1 + r2) * 0.5);
        store<f32>(q + 2 * step, (r0 - r1 + r2) * 0.5);
        store<f32>(q + 3 * step, r2);
      }
    }
  }
}

/** g[row][col] of a filter, or of the filter turned 180°. */
// @ts-ignore: decorator
@inline
function tap(g: usize, row: i32, col: i32, turned: bool): f32 {
  return load<f32>(g + <usize>((turned ? 8 - (row * 3 + col) : row * 3 + col) * 4));
}

/** pad[(py·PW + px)·Cin + c] = x[c, py − 1, px − 1], zero outside the image: 4 channels × 4 pixels a step, transposed in registers. */
export function padChannelsLast(x: usize, pad: usize, Cin: i32, H: i32, W: i32): void {
  const PH = paddedRows(H), PW = paddedRows(W);
  const zero = f32x4.splat(0);
  const pixel = <usize>(Cin * 4);
  // The border: rows 0 and H + 1 …, columns 0 and W + 1 … of the rows between.
  for (let py = 0; py < PH; py++) {
    const row = pad + <usize>(py * PW) * pixel;
    const inside = py >= 1 && py <= H;
    for (let px = 0; px < PW; px++) {
      if (inside && px >= 1 && px <= W) continue;
      for (let c = 0; c < Cin; c += 4) v128.store(row + <usize>px * pixel + <usize>(c * 4), zero);
    }
  }
  const plane = <usize>(H * W * 4);
  for (let c = 0; c < Cin; c += 4) {
    for (let y = 0; y < H; y++) {
      const src = x + <usize>c * plane + <usize>(y * W * 4);
      const dst = pad + <usize>(((y + 1) * PW + 1) * Cin + c) * 4;
      let ix = 0;
      for (; ix + 4 <= W; ix += 4) {
        const s = src + <usize>(ix * 4);
        const r0 = v128.load(s), r1 = v128.load(s + plane), r2 = v128.load(s + 2 * plane), r3 = v128.load(s + 3 * plane);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = dst + <usize>ix * pixel;
        v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
        v128.store(d + pixel, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
        v128.store(d + 2 * pixel, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
        v128.store(d + 3 * pixel, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
      }
      for (; ix < W; ix++) {
        const s = src + <usize>(ix * 4);
        const d = dst + <usize>ix * pixel;
        store<f32>(d, load<f32>(s));
        store<f32>(d, load<f32>(s + plane), 4);
        store<f32>(d, load<f32>(s + 2 * plane), 8);
        store<f32>(d, load<f32>(s + 3 * plane), 12);
      }
    }
  }
}

/** V[ξν][t][c] = (Bᵀ d B)[ξ][ν] for the tiles of one image (rows t0 … of V), 4 channels a step. */
export function transformInput(pad: usize, v: usize, t0: i32, tiles: i32, Cin: i32, H: i32, W: i32): void {
  const TH = (H + 1) >> 1, TW = (W + 1) >> 1;
  const PW = paddedRows(W);
  const pixel = <usize>(Cin * 4);
  const row = <usize>(PW * Cin * 4);
  const plane = <usize>(tiles * Cin * 4);
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const t = t0 + ty * TW + tx;
      for (let c = 0; c < Cin; c += 4) {
        const d = pad + <usize>(((2 * ty * PW + 2 * tx) * Cin + c) * 4);
        const out = v + <usize>((t * Cin + c) * 4);
        // Rows of Bᵀ d: d0 − d2, d1 + d2, d2 − d1, d1 − d3 (di = row i of the patch).
        inputRow(d, d + 2 * row, false, pixel, out, plane);
        inputRow(d + row, d + 2 * row, true, pixel, out + 4 * plane, plane);
        inputRow(d + 2 * row, d + row, false, pixel, out + 8 * plane, plane);
        inputRow(d + row, d + 3 * row, false, pixel, out + 12 * plane, plane);
      }
    }
  }
}

/** One row ξ of Bᵀ d (ra ± rb, 4 pixels apart by `pixel`), times B, into V[ξ·4 + ν] (ν planes apart). */
// @ts-ignore: decorator
@inline
function inputRow(ra: usize, rb: usize, plus: bool, pixel: usize, q: usize, plane: usize): void {
  const s0 = plus ? f32x4.add(v128.load(ra), v128.load(rb)) : f32x4.sub(v128.load(ra), v128.load(rb));
  const s1 = plus ? f32x4.add(v128.load(ra + pixel), v128.load(rb + pixel)) : f32x4.sub(v128.load(ra + pixel), v128.load(rb + pixel));
  const s2 = plus ? f32x4.add(v128.load(ra + 2 * pixel), v128.load(rb + 2 * pixel)) : f32x4.sub(v128.load(ra + 2 * pixel), v128.load(rb + 2 * pixel));
  const s3 = plus ? f32x4.add(v128.load(ra + 3 * pixel), v128.load(rb + 3 * pixel)) : f32x4.sub(v128.load(ra + 3 * pixel), v128.load(rb + 3 * pixel));
  v128.store(q, f32x4.sub(s0, s2));
  v128.store(q + plane, f32x4.add(s1, s2));
  v128.store(q + 2 * plane, f32x4.sub(s2, s1));
  v128.store(q + 3 * plane, f32x4.sub(s1, s3));
}

/** out[co, y, x] (+ bias[co]) = (Aᵀ M A) of the tiles of one image (rows t0 … of M), 4 output channels a step. */
function transformOutput(m: usize, out: usize, bias: usize, t0: i32, tiles: i32, Cout: i32, H: i32, W: i32): void {
  const TH = (H + 1) >> 1, TW = (W + 1) >> 1;
  const plane = <usize>(tiles * Cout * 4);
  const image = <usize>(H * W * 4);
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const t = t0 + ty * TW + tx;
      const full = 2 * ty + 1 < H && 2 * tx + 1 < W;
      for (let co = 0; co < Cout; co += 4) {
        const src = m + <usize>((t * Cout + co) * 4);
        // (Aᵀ M) rows 0 and 1, column nu: p = M0 + M1 + M2, q = M1 − M2 − M3.
        const p0 = outputP(src, plane), q0 = outputQ(src, plane);
        const p1 = outputP(src + plane, plane), q1 = outputQ(src + plane, plane);
        const p2 = outputP(src + 2 * plane, plane), q2 = outputQ(src + 2 * plane, plane);
        const p3 = outputP(src + 3 * plane, plane), q3 = outputQ(src + 3 * plane, plane);
        const b = bias != 0 ? v128.load(bias + <usize>(co * 4)) : f32x4.splat(0);
        let y00 = f32x4.add(f32x4.add(p0, p1), p2), y01 = f32x4.sub(f32x4.sub(p1, p2), p3);
        let y10 = f32x4.add(f32x4.add(q0, q1), q2), y11 = f32x4.sub(f32x4.sub(q1, q2), q3);
        if (bias != 0) {
          y00 = f32x4.add(y00, b);
          y01 = f32x4.add(y01, b);
          y10 = f32x4.add(y10, b);
          y11 = f32x4.add(y11, b);
        }
        // Lanes are output channels: per channel, the tile's top pair and bottom pair.
        const top01 = i32x4.shuffle(y00, y01, 0, 4, 1, 5), top23 = i32x4.shuffle(y00, y01, 2, 6, 3, 7);
        const bot01 = i32x4.shuffle(y10, y11, 0, 4, 1, 5), bot23 = i32x4.shuffle(y10, y11, 2, 6, 3, 7);
        const o = out + <usize>(co * H * W * 4) + <usize>((2 * ty * W + 2 * tx) * 4);
        const below = <usize>(W * 4);
        if (full) {
          v128.store64_lane(o, top01, 0);
          v128.store64_lane(o + below, bot01, 0);
          v128.store64_lane(o + image, top01, 1);
          v128.store64_lane(o + image + below, bot01, 1);
          v128.store64_lane(o + 2 * image, top23, 0);
          v128.store64_lane(o + 2 * image + below, bot23, 0);
          v128.store64_lane(o + 3 * image, top23, 1);
          v128.store64_lane(o + 3 * image + below, bot23, 1);
        } else {
          // A tile past the last row or column: only its pixels inside the image.
          const right = 2 * tx + 1 < W, down = 2 * ty + 1 < H;
          for (let lane = 0; lane < 4; lane++) {
            const q = o + <usize>lane * image;
            store<f32>(q, laneOf(y00, lane));
            if (right) store<f32>(q, laneOf(y01, lane), 4);
            if (down) store<f32>(q + below, laneOf(y10, lane));
            if (down && right) store<f32>(q + below, laneOf(y11, lane), 4);
          }
        }
      }
    }
  }
}

/** (Aᵀ M)[0][ν] = M[0ν] + M[1ν] + M[2ν], at s = M[0ν] (rows ξ four planes apart). */
// @ts-ignore: decorator
@inline
export function outputP(s: usize, plane: usize): v128 {
  return f32x4.add(f32x4.add(v128.load(s), v128.load(s + 4 * plane)), v128.load(s + 8 * plane));
}

/** (Aᵀ M)[1][ν] = M[1ν] − M[2ν] − M[3ν]. */
// @ts-ignore: decorator
@inline
export function outputQ(s: usize, plane: usize): v128 {
  return f32x4.sub(f32x4.sub(v128.load(s + 4 * plane), v128.load(s + 8 * plane)), v128.load(s + 12 * plane));
}

// @ts-ignore: decorator
@inline
function laneOf(v: v128, lane: i32): f32 {
  return lane == 0 ? f32x4.extract_lane(v, 0) : lane == 1 ? f32x4.extract_lane(v, 1) : lane == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

/**
 * Images [n0, n1) of x (each Cin×H×W) convolved into out (each Cout×H×W, overwritten), plus
 * bias (0: none), filters w as the forward pass holds them (FN×C×3×3; `turned` for ∂L/∂x).
 * `block` is this block's scratch (winogradFloats), `scratch` the thread's gemm scratch.
 * With argmax ≠ 0 (H, W even), out gets the 2×2 max pooling of the convolution instead
 * (each Cout×H/2×W/2, and [relu]; see conv-pool.ts): a tile is the pooling window.
 */
export function winogradImages(
  x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, Cin: i32, Cout: i32, H: i32, W: i32, turned: bool, block: usize, scratch: usize,
  argmax: usize = 0, relu: bool = false,
): void {
  const perImage = ((H + 1) >> 1) * ((W + 1) >> 1);
  const tiles = WINOGRAD_GROUP * perImage;
  const u = block;
  const pad = u + <usize>(16 * Cin * Cout * 4);
  const v = pad + <usize>(paddedRows(H) * paddedRows(W) * Cin * 4);
  const m = v + <usize>(16 * tiles * Cin * 4);
  transformFilters(w, u, Cin, Cout, turned);
  for (let n = n0; n < n1; n += WINOGRAD_GROUP) {
    const count = min(WINOGRAD_GROUP, n1 - n);
    for (let k = 0; k < count; k++) {
      padChannelsLast(x + <usize>(n + k) * <usize>(Cin * H * W * 4), pad, Cin, H, W);
      transformInput(pad, v, k * perImage, tiles, Cin, H, W);
    }
    // The products over the group's rows only (a last group of one image leaves the rest unused).
    const rows = count * perImage;
    for (let xn = 0; xn < 16; xn++) {
      const a = v + <usize>(xn * tiles * Cin * 4);
      const b = u + <usize>(xn * Cin * Cout * 4);
      const c = m + <usize>(xn * tiles * Cout * 4);
      gemm(a, b, c, rows, Cout, Cin, 0, 0, 1, 0, 0, rows, 0, Cout, scratch, 0);
    }
    for (let k = 0; k < count; k++) {
      if (argmax != 0) {
        const pooled = <usize>(n + k) * <usize>(Cout * perImage);
        transformOutputPooled(m, out + pooled * 4, argmax + pooled, bias, k * perImage, tiles, Cout, H, W, relu);
      } else transformOutput(m, out + <usize>(n + k) * <usize>(Cout * H * W * 4), bias, k * perImage, tiles, Cout, H, W);
    }
  }
}
