// ∂L/∂W of a 3×3, stride 1, pad 1 convolution by F(2×2, 3×3) (winograd.ts): the forward
// pass is Y = Aᵀ [U ⊙ V] A per tile with U = G g Gᵀ, so
//   ∂L/∂U[ξν] = Σ_tiles (A dY Aᵀ)[ξν] · V[ξν]      ∂L/∂g = Gᵀ (∂L/∂U) G
// summed over the block's images as 16 products (C × tiles)·(tiles × FN), then turned into
// the block's partial (∂L/∂W)ᵀ once. dY, a tile's 2×2 of dout, is read channel-last from
// a copy with the same zero border as the input's (tiles past the edge see zeros).
//   A = [1 0; 1 1; 1 −1; 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]

import { gemm } from './gemm';
import { padChannelsLast, paddedRows, transformInput, WINOGRAD_GROUP } from './winograd';

/** Floats of block scratch: ∂L/∂U, the padded input and dout of one image, V and A dY Aᵀ of a group. */
export function winogradGradFloats(C: i32, FN: i32, H: i32, W: i32): i32 {
  const tiles = WINOGRAD_GROUP * ((H + 1) >> 1) * ((W + 1) >> 1);
  return 16 * C * FN + paddedRows(H) * paddedRows(W) * (C + FN) + 16 * tiles * (C + FN);
}

/** dM[ξν][t][f] = (A dY Aᵀ)[ξ][ν] for the tiles of one image, 4 filters a step, from dout's padded copy. */
function transformGrad(pad: usize, dm: usize, t0: i32, tiles: i32, FN: i32, H: i32, W: i32): void {
  const TH = (H + 1) >> 1, TW = (W + 1) >> 1;
  const PW = paddedRows(W);
  const pixel = <usize>(FN * 4);
  const row = <usize>(PW * FN * 4);
  const plane = <usize>(tiles * FN * 4);
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx++) {
      const t = t0 + ty * TW + tx;
      for (let f = 0; f < FN; f += 4) {
        const s = pad + <usize>((((2 * ty + 1) * PW + 2 * tx + 1) * FN + f) * 4);
        const y00 = v128.load(s), y01 = v128.load(s + pixel);
        const y10 = v128.load(s + row), y11 = v128.load(s + row + pixel);
        const q = dm + <usize>((t * FN + f) * 4);
        // Rows ξ of A dY: y0·, y0· + y1·, y0· − y1·, −y1·; then the same over columns.
        gradRow(y00, y01, q, plane);
        gradRow(f32x4.add(y00, y10), f32x4.add(y01, y11), q + 4 * plane, plane);
        gradRow(f32x4.sub(y00, y10), f32x4.sub(y01, y11), q + 8 * plane, plane);
        gradRow(f32x4.neg(y10), f32x4.neg(y11), q + 12 * plane, plane);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function gradRow(r0: v128, r1: v128, q: usize, plane: usize): void {
  v128.store(q, r0);
  v128.store(q + plane, f32x4.add(r0, r1));
  v128.store(q + 2 * plane, f32x4.sub(r0, r1));
  v128.store(q + 3 * plane, f32x4.neg(r1));
}

/** (Gᵀ X G) along one axis: the three taps from the four values x0…x3. */
// @ts-ignore: decorator
@inline
function gt0(x0: v128, x1: v128, x2: v128): v128 {
  return f32x4.add(x0, f32x4.mul(f32x4.add(x1, x2), f32x4.splat(0.5)));
}

// @ts-ignore: decorator
@inline
function gt1(x1: v128, x2: v128): v128 {
  return f32x4.mul(f32x4.sub(x1, x2), f32x4.splat(0.5));
}

// @ts-ignore: decorator
@inline
function gt2(x1: v128, x2: v128, x3: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.add(x1, x2), f32x4.splat(0.5)), x3);
}

/** partial[(c·9 + u·3 + v)·FN + f] += (Gᵀ ∂L/∂U[c, f] G)[u][v], 4 filters a step. */
function addFilterGradients(du: usize, partial: usize, C: i32, FN: i32): void {
  const plane = <usize>(C * FN * 4);
  const tap = <usize>(FN * 4);
  for (let c = 0; c < C; c++) {
    for (let f = 0; f < FN; f += 4) {
      const s = du + <usize>((c * FN + f) * 4);
      for (let u = 0; u < 3; u++) {
        // Row u of Gᵀ ∂L/∂U, at column ν: rows ξ of ∂L/∂U are 4 planes apart.
        const r0 = gtRow(s, plane, u), r1 = gtRow(s + plane, plane, u), r2 = gtRow(s + 2 * plane, plane, u), r3 = gtRow(s + 3 * plane, plane, u);
        const q = partial + <usize>((c * 9 + u * 3) * FN + f) * 4;
        v128.store(q, f32x4.add(v128.load(q), gt0(r0, r1, r2)));
        v128.store(q + tap, f32x4.add(v128.load(q + tap), gt1(r1, r2)));
        v128.store(q + 2 * tap, f32x4.add(v128.load(q + 2 * tap), gt2(r1, r2, r3)));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function gtRow(s: usize, plane: usize, u: i32): v128 {
  const x0 = v128.load(s), x1 = v128.load(s + 4 * plane), x2 = v128.load(s + 8 * plane), x3 = v128.load(s + 12 * plane);
  return u == 0 ? gt0(x0, x1, x2) : u == 1 ? gt1(x1, x2) : gt2(x1, x2, x3);
}

/** The block's partial (∂L/∂W)ᵀ (K·FN, zeroed by the caller) += images [n0, n1)'s ∂L/∂W. */
export function winogradWeightGrad(x: usize, dout: usize, partial: usize, n0: i32, n1: i32, C: i32, FN: i32, H: i32, W: i32, block: usize, scratch: usize): void {
  if (n0 >= n1) return;
  const perImage = ((H + 1) >> 1) * ((W + 1) >> 1);
  const tiles = WINOGRAD_GROUP * perImage;
  const padFloats = paddedRows(H) * paddedRows(W);
  const du = block;
  const padX = du + <usize>(16 * C * FN * 4);
  const padD = padX + <usize>(padFloats * C * 4);
  const v = padD + <usize>(padFloats * FN * 4);
  const dm = v + <usize>(16 * tiles * C * 4);
  for (let n = n0; n < n1; n += WINOGRAD_GROUP) {
    const count = min(WINOGRAD_GROUP, n1 - n);
    for (let k = 0; k < count; k++) {
      padChannelsLast(x + <usize>(n + k) * <usize>(C * H * W * 4), padX, C, H, W);
      transformInput(padX, v, k * perImage, tiles, C, H, W);
      padChannelsLast(dout + <usize>(n + k) * <usize>(FN * H * W * 4), padD, FN, H, W);
      transformGrad(padD, dm, k * perImage, tiles, FN, H, W);
    }
    const rows = count * perImage;
    const beta: f32 = n == n0 ? 0 : 1;
    for (let xn = 0; xn < 16; xn++) {
      const a = v + <usize>(xn * tiles * C * 4);
      const b = dm + <usize>(xn * tiles * FN * 4);
      gemm(a, b, du + <usize>(xn * C * FN * 4), C, FN, rows, 1, 0, 1, beta, 0, C, 0, FN, scratch, 0);
    }
  }
  addFilterGradients(du, partial, C, FN);
}
