// Convolution one image at a time: im2col of one image (K = C·FH·FW rows of P = OH·OW
// columns) stays in the cache, and the product W · col lands as that image's FN×P output,
// already in N×FN×OH×OW order:
//   out_n = W · col(x_n) + b                      (FN×K · K×P)
//   ∂L/∂W = Σ_n dout_n · col(x_n)ᵀ                 (as its transpose: K×P · P×FN)
//   ∂L/∂b = Σ_n Σ_p dout_n[:, p]
//   ∂L/∂x_n = col2im(Wᵀ · dout_n)                  (K×FN · FN×P)
// Images are dealt out in blocks (a thread takes a block at a time). Backward sums ∂L/∂W
// and ∂L/∂b per block, into the block's own partial; convReduce adds the partials in
// block order, so the bits do not depend on which thread ran which block.
//
// The descriptor (int32 at `desc`) gives pointers and geometry, see the D_ constants.

import { gemm } from './gemm';

const D_X: i32 = 0;
const D_W: i32 = 1;
const D_BIAS: i32 = 2; // b (forward) or ∂L/∂b (backward)
const D_OUT: i32 = 3; // out (forward) or dout (backward)
const D_DX: i32 = 4; // ∂L/∂x, 0 = not wanted
const D_DW: i32 = 5;
const D_PARTIALS: i32 = 6; // per block: K·FN of (∂L/∂W)ᵀ, then FN of ∂L/∂b
const D_COLS: i32 = 7; // per block: K·P floats of im2col scratch
const D_IMAGES: i32 = 8;
const D_C: i32 = 9;
const D_H: i32 = 10;
const D_W_: i32 = 11;
const D_FN: i32 = 12;
const D_FH: i32 = 13;
const D_FW: i32 = 14;
const D_S: i32 = 15;
const D_P: i32 = 16;
const D_OH: i32 = 17;
const D_OW: i32 = 18;
const D_BLOCKS: i32 = 19;

// @ts-ignore: decorator
@inline
function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + <usize>(i * 4));
}

/** First image of block `block` (block = blocks: the end). */
// @ts-ignore: decorator
@inline
function blockStart(block: i32, blocks: i32, images: i32): i32 {
  return <i32>((<i64>block * <i64>images) / <i64>blocks);
}

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
function zeroFloats(dst: usize, count: i32): void {
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

/** col[(c·FH + fy)·FW + fx, oy·OW + ox] = x[c, oy·S + fy − P, ox·S + fx − P] (0 in the padding), for one image. */
function im2colImage(x: usize, col: usize, C: i32, H: i32, W: i32, FH: i32, FW: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const positions = OH * OW;
  let out = col;
  for (let c = 0; c < C; c++) {
    const channel = x + <usize>(c * H * W * 4);
    for (let fy = 0; fy < FH; fy++) {
      const rowLow = insideLow(fy, S, P, OH);
      const rowHigh = insideHigh(fy, S, P, H, OH, rowLow);
      for (let fx = 0; fx < FW; fx++) {
        const low = insideLow(fx, S, P, OW);
        const high = insideHigh(fx, S, P, W, OW, low);
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

/** dx[c, iy, ix] = Σ of the col entries im2col took from that pixel, for one image. */
function col2imImage(col: usize, dx: usize, C: i32, H: i32, W: i32, FH: i32, FW: i32, S: i32, P: i32, OH: i32, OW: i32): void {
  const positions = OH * OW;
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
        for (let oy = rowLow; oy < rowHigh; oy++) {
          const f = from + <usize>(oy * OW * 4);
          const row = channel + <usize>(((oy * S + fy - P) * W + fx - P) * 4);
          if (S == 1) {
            let ox = low;
            for (; ox + 4 <= high; ox += 4) {
              const q = row + <usize>(ox * 4);
              v128.store(q, f32x4.add(v128.load(q), v128.load(f + <usize>(ox * 4))));
            }
            for (; ox < high; ox++) {
              const q = row + <usize>(ox * 4);
              store<f32>(q, load<f32>(q) + load<f32>(f + <usize>(ox * 4)));
            }
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

/** Forward for the images of block `block`: out_n = W · col(x_n) + b. */
export function convForwardBlock(desc: usize, block: i32, scratch: usize): void {
  const images = field(desc, D_IMAGES);
  const blocks = field(desc, D_BLOCKS);
  const C = field(desc, D_C), H = field(desc, D_H), W = field(desc, D_W_);
  const FN = field(desc, D_FN), FH = field(desc, D_FH), FW = field(desc, D_FW);
  const S = field(desc, D_S), P = field(desc, D_P), OH = field(desc, D_OH), OW = field(desc, D_OW);
  const x = <usize>field(desc, D_X);
  const w = <usize>field(desc, D_W);
  const bias = <usize>field(desc, D_BIAS);
  const out = <usize>field(desc, D_OUT);
  const K = C * FH * FW;
  const positions = OH * OW;
  const col = <usize>field(desc, D_COLS) + <usize>block * <usize>(K * positions * 4);
  const end = blockStart(block + 1, blocks, images);
  for (let n = blockStart(block, blocks, images); n < end; n++) {
    const xn = x + <usize>n * <usize>(C * H * W * 4);
    const on = out + <usize>n * <usize>(FN * positions * 4);
    im2colImage(xn, col, C, H, W, FH, FW, S, P, OH, OW);
    for (let f = 0; f < FN; f++) {
      const b = load<f32>(bias + <usize>(f * 4));
      const row = on + <usize>(f * positions * 4);
      const vb = f32x4.splat(b);
      let p = 0;
      for (; p + 4 <= positions; p += 4) v128.store(row + <usize>(p * 4), vb);
      for (; p < positions; p++) store<f32>(row + <usize>(p * 4), b);
    }
    gemm(w, col, on, FN, positions, K, 0, 0, 1, 1, 0, FN, 0, positions, scratch, 0);
  }
}

/** Backward for the images of block `block`: the block's partial ∂L/∂W, ∂L/∂b, and ∂L/∂x of its images. */
export function convBackwardBlock(desc: usize, block: i32, scratch: usize): void {
  const images = field(desc, D_IMAGES);
  const blocks = field(desc, D_BLOCKS);
  const C = field(desc, D_C), H = field(desc, D_H), W = field(desc, D_W_);
  const FN = field(desc, D_FN), FH = field(desc, D_FH), FW = field(desc, D_FW);
  const S = field(desc, D_S), P = field(desc, D_P), OH = field(desc, D_OH), OW = field(desc, D_OW);
  const x = <usize>field(desc, D_X);
  const w = <usize>field(desc, D_W);
  const dout = <usize>field(desc, D_OUT);
  const dx = <usize>field(desc, D_DX);
  const K = C * FH * FW;
  const positions = OH * OW;
  const col = <usize>field(desc, D_COLS) + <usize>block * <usize>(K * positions * 4);
  const dw = <usize>field(desc, D_PARTIALS) + <usize>block * <usize>((FN * K + FN) * 4);
  const db = dw + <usize>(FN * K * 4);
  zeroFloats(dw, FN * K + FN);
  const end = blockStart(block + 1, blocks, images);
  for (let n = blockStart(block, blocks, images); n < end; n++) {
    const xn = x + <usize>n * <usize>(C * H * W * 4);
    const dn = dout + <usize>n * <usize>(FN * positions * 4);
    for (let f = 0; f < FN; f++) {
      const row = dn + <usize>(f * positions * 4);
      let sum = f32x4.splat(0);
      let p = 0;
      for (; p + 4 <= positions; p += 4) sum = f32x4.add(sum, v128.load(row + <usize>(p * 4)));
      let s = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
      for (; p < positions; p++) s += load<f32>(row + <usize>(p * 4));
      const q = db + <usize>(f * 4);
      store<f32>(q, load<f32>(q) + s);
    }
    im2colImage(xn, col, C, H, W, FH, FW, S, P, OH, OW);
    // (∂L/∂W)ᵀ += col · dout_nᵀ: the product packs dout_n (FN×P), smaller than col (K×P).
    gemm(col, dn, dw, K, FN, positions, 0, 1, 1, 1, 0, K, 0, FN, scratch, 0);
    if (dx != 0) {
      // dcol = Wᵀ · dout_n overwrites col, then col2im.
      gemm(w, dn, col, K, positions, FN, 1, 0, 1, 0, 0, K, 0, positions, scratch, 0);
      col2imImage(col, dx + <usize>n * <usize>(C * H * W * 4), C, H, W, FH, FW, S, P, OH, OW);
    }
  }
}

/** ∂L/∂W and ∂L/∂b = the blocks' partials, added in block order. */
export function convReduce(desc: usize): void {
  const blocks = field(desc, D_BLOCKS);
  const FN = field(desc, D_FN);
  const K = field(desc, D_C) * field(desc, D_FH) * field(desc, D_FW);
  const dw = <usize>field(desc, D_DW);
  const db = <usize>field(desc, D_BIAS);
  const partials = <usize>field(desc, D_PARTIALS);
  const stride = <usize>((FN * K + FN) * 4);
  // dW[f, i] = Σ_b partial_b[i, f]
  for (let f = 0; f < FN; f++) {
    for (let i = 0; i < K; i++) {
      let s: f32 = 0;
      for (let b = 0; b < blocks; b++) s += load<f32>(partials + <usize>b * stride + <usize>((i * FN + f) * 4));
      store<f32>(dw + <usize>((f * K + i) * 4), s);
    }
  }
  for (let f = 0; f < FN; f++) {
    let s: f32 = 0;
    for (let b = 0; b < blocks; b++) s += load<f32>(partials + <usize>b * stride + <usize>((FN * K + f) * 4));
    store<f32>(db + <usize>(f * 4), s);
  }
}
