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

import { convPoolOneChannel, convPoolOneChannelFloats, convPoolOneChannelImages, convPoolOneChannelPair } from './conv-pool';
import { convPoolOneChannelGrad, convPoolWeightGrad, convPoolWeightGradApplies, convPoolWeightGradFloats } from './conv-pool-grad';
import { gemm } from './gemm';
import { maxPoolBackward } from './pool';
import { col2imImage, im2colImage, zeroFloats } from './im2col';
import { winogradApplies, winogradFloats, winogradImages } from './winograd';
import { winogradGradFloats, winogradWeightGrad } from './winograd-grad';

const D_X: i32 = 0;
const D_W: i32 = 1;
const D_BIAS: i32 = 2; // b (forward) or ∂L/∂b (backward)
const D_OUT: i32 = 3; // out (forward) or dout (backward)
const D_DX: i32 = 4; // ∂L/∂x, 0 = not wanted
const D_DW: i32 = 5;
const D_PARTIALS: i32 = 6; // per block: K·FN of (∂L/∂W)ᵀ, then FN of ∂L/∂b
const D_COLS: i32 = 7; // per block: convBlockFloats of scratch (im2col, or Winograd's)
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
// A max pooling after the convolution, fused: D_ARGMAX ≠ 0. Forward: out is the 2×2 pooling
// of the convolution (conv-pool.ts), D_RELU = 1 for a Relu after it. Backward: D_OUT is ∂L/∂
// of the pooling's output (windows D_POOL_K, stride, pad; the Relu's output D_Y or 0): a block
// makes its images' ∂L/∂out from it as maxPoolBackward does, into their places in D_DCONV
// (the batch's size: the block's part stays in this core's cache) for ∂L/∂x; ∂L/∂W and ∂L/∂b
// it takes from D_OUT directly where conv-pool-grad.ts can (the one-channel first layer, a
// 3×3 layer on channels in fours).
const D_ARGMAX: i32 = 20;
const D_RELU: i32 = 21;
const D_Y: i32 = 22;
const D_POOL_K: i32 = 23;
const D_POOL_S: i32 = 24;
const D_POOL_P: i32 = 25;
const D_DCONV: i32 = 26;

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

/**
 * Floats of scratch per block of images: one image's im2col (K·P, and more), or what Winograd's
 * F(2×2, 3×3) needs (winograd.ts) for the forward pass (C → FN) or for ∂L/∂x (FN → C).
 */
export function convBlockFloats(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, S: i32, P: i32, OH: i32, OW: i32): i32 {
  // im2col, a row of ones and [W | b] (forward), or im2col alone (backward)
  let floats = (C * FH * FW + 1) * (OH * OW + FN);
  if (winogradApplies(C, FN, FH, FW, S, P)) floats = max(floats, max(winogradFloats(C, FN, H, W), winogradGradFloats(C, FN, H, W)));
  if (winogradApplies(FN, C, FH, FW, S, P)) floats = max(floats, winogradFloats(FN, C, H, W));
  if (convPoolOneChannel(C, FN, FH, FW, S, P)) floats = max(floats, convPoolOneChannelFloats(FN, H, W));
  if (convPoolWeightGradApplies(C, FH, FW, S, P)) floats = max(floats, convPoolWeightGradFloats(C, FN, H, W));
  return floats;
}

/** Whether convForwardBlock can pool as it goes (D_ARGMAX): 2×2 stride-2 windows, on these shapes. */
export function convPoolApplies(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, S: i32, P: i32): bool {
  const even = (H & 1) == 0 && (W & 1) == 0;
  return even && (convPoolOneChannel(C, FN, FH, FW, S, P) || winogradApplies(C, FN, FH, FW, S, P));
}

// @ts-ignore: decorator
@inline
function blockScratch(desc: usize, block: i32): usize {
  const C = field(desc, D_C), H = field(desc, D_H), W = field(desc, D_W_);
  const FN = field(desc, D_FN), FH = field(desc, D_FH), FW = field(desc, D_FW);
  const floats = convBlockFloats(C, H, W, FN, FH, FW, field(desc, D_S), field(desc, D_P), field(desc, D_OH), field(desc, D_OW));
  return <usize>field(desc, D_COLS) + <usize>block * <usize>(floats * 4);
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
  const col = blockScratch(desc, block);
  const start = blockStart(block, blocks, images);
  const end = blockStart(block + 1, blocks, images);
  const argmax = <usize>field(desc, D_ARGMAX);
  const relu = field(desc, D_RELU) == 1;
  // NOTE: out holds only the pooled values then: the paths below that do not pool would overrun it.
  if (argmax != 0 && !convPoolApplies(C, H, W, FN, FH, FW, S, P)) unreachable();
  if (argmax != 0 && convPoolOneChannel(C, FN, FH, FW, S, P)) {
    convPoolOneChannelImages(x, w, bias, out, argmax, start, end, FN, H, W, relu, col);
    return;
  }
  if (winogradApplies(C, FN, FH, FW, S, P)) {
    winogradImages(x, w, bias, out, start, end, C, FN, H, W, false, col, scratch, argmax, relu);
    return;
  }
  // out_n = [W | b] · [col; 1]: the bias as one more term of the product, not a pass over out.
  const ones = col + <usize>(K * positions * 4);
  const wb = ones + <usize>(positions * 4);
  for (let p = 0; p < positions; p++) store<f32>(ones + <usize>(p * 4), 1);
  for (let f = 0; f < FN; f++) {
    const row = wb + <usize>(f * (K + 1) * 4);
    for (let i = 0; i < K; i++) store<f32>(row + <usize>(i * 4), load<f32>(w + <usize>((f * K + i) * 4)));
    store<f32>(row + <usize>(K * 4), load<f32>(bias + <usize>(f * 4)));
  }
  for (let n = start; n < end; n++) {
    im2colImage(x + <usize>n * <usize>(C * H * W * 4), col, C, H, W, FH, FW, S, P, OH, OW);
    gemm(wb, col, out + <usize>n * <usize>(FN * positions * 4), FN, positions, K + 1, 0, 0, 1, 0, 0, FN, 0, positions, scratch, 0);
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
  let dout = <usize>field(desc, D_OUT);
  const dx = <usize>field(desc, D_DX);
  const K = C * FH * FW;
  const positions = OH * OW;
  const col = blockScratch(desc, block);
  const argmax = <usize>field(desc, D_ARGMAX);
  const PK = field(desc, D_POOL_K), PS = field(desc, D_POOL_S), PP = field(desc, D_POOL_P);
  const POH = argmax != 0 ? (OH + 2 * PP - PK) / PS + 1 : 0, POW = argmax != 0 ? (OW + 2 * PP - PK) / PS + 1 : 0;
  const pooled = FN * POH * POW;
  const y = <usize>field(desc, D_Y);
  const dw = <usize>field(desc, D_PARTIALS) + <usize>block * <usize>((FN * K + FN) * 4);
  const db = dw + <usize>(FN * K * 4);
  zeroFloats(dw, FN * K + FN);
  const start = blockStart(block, blocks, images);
  const end = blockStart(block + 1, blocks, images);
  if (argmax != 0 && dx == 0 && convPoolOneChannelPair(C, FN, FH, FW, S, P, H, W, PK, PS, PP)) {
    convPoolOneChannelGrad(x, dout, argmax, y, dw, db, start, end, FN, H, W, col);
    return;
  }
  // ∂L/∂W and ∂L/∂b straight from the pooling's gradient (conv-pool-grad.ts; unpadded windows: its list fits).
  const fromPool = argmax != 0 && PP == 0 && convPoolWeightGradApplies(C, FH, FW, S, P);
  if (fromPool) {
    convPoolWeightGrad(x, dout, argmax, y, dw, db, start, end, C, FN, H, W, PK, PS, PP, POH, POW, col);
    if (dx == 0) return;
  }
  if (argmax != 0) {
    const dpool = dout;
    dout = <usize>field(desc, D_DCONV);
    for (let n = start; n < end; n++) {
      const at = <usize>n * <usize>pooled;
      maxPoolBackward(argmax + at, dpool + at * 4, dout + <usize>n * <usize>(FN * positions * 4), 0, FN, OH, OW, PK, PS, PP, POH, POW, y != 0 ? y + at * 4 : 0);
    }
  }
  // ∂L/∂W, then ∂L/∂x, by Winograd, each over all the block's images (they share the scratch).
  const winogradDw = !fromPool && winogradApplies(C, FN, FH, FW, S, P);
  const winograd = dx != 0 && winogradApplies(FN, C, FH, FW, S, P);
  for (let n = start; n < end; n++) {
    const xn = x + <usize>n * <usize>(C * H * W * 4);
    const dn = dout + <usize>n * <usize>(FN * positions * 4);
    for (let f = 0; f < FN && !fromPool; f++) {
      const row = dn + <usize>(f * positions * 4);
      let sum = f32x4.splat(0);
      let p = 0;
      for (; p + 4 <= positions; p += 4) sum = f32x4.add(sum, v128.load(row + <usize>(p * 4)));
      let s = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
      for (; p < positions; p++) s += load<f32>(row + <usize>(p * 4));
      const q = db + <usize>(f * 4);
      store<f32>(q, load<f32>(q) + s);
    }
    if (!winogradDw && !fromPool) {
      im2colImage(xn, col, C, H, W, FH, FW, S, P, OH, OW);
      // (∂L/∂W)ᵀ += col · dout_nᵀ: the product packs dout_n (FN×P), smaller than col (K×P).
      gemm(col, dn, dw, K, FN, positions, 0, 1, 1, 1, 0, K, 0, FN, scratch, 0);
    }
    if (dx != 0 && !winograd) {
      // dcol = Wᵀ · dout_n overwrites col, then col2im.
      gemm(w, dn, col, K, positions, FN, 1, 0, 1, 0, 0, K, 0, positions, scratch, 0);
      col2imImage(col, dx + <usize>n * <usize>(C * H * W * 4), C, H, W, FH, FW, S, P, OH, OW);
    }
  }
  if (winogradDw) winogradWeightGrad(x, dout, dw, start, end, C, FN, H, W, col, scratch);
  if (winograd) winogradImages(dout, w, 0, dx, start, end, FN, C, H, W, true, col, scratch);
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
