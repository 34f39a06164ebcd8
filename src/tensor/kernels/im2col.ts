// im2col / col2im: convolution as one matrix product.
//
// im2col lays every receptive field of an N×C×H×W input out as one column:
//   col[(c·FH + fy)·FW + fx, n·OH·OW + oy·OW + ox] = x[n, c, oy·S + fy − P, ox·S + fx − P]
// (zero where the index falls into the padding), so that a convolution with filters
// W (FN × C·FH·FW) is W · col. col2im is its adjoint: every col entry is added back onto
// the input pixel it was read from (pixels shared by overlapping windows sum their gradients).
//   OH = (H + 2P − FH) / S + 1      OW = (W + 2P − FW) / S + 1
// NOTE: the book's col is the transpose of this one (a row per receptive field). Columns
// make both loops copy whole image rows (runs of OW pixels instead of FW), and the product
// lands channel-major, so the N×FN×OH×OW output is a copy of contiguous runs, not a transpose.

import type { Data } from '../tensor.js';

export interface ConvGeometry {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly stride: number;
  readonly pad: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

export function convGeometry(
  input: { channels: number; height: number; width: number },
  filter: { height: number; width: number },
  stride: number,
  pad: number,
): ConvGeometry {
  const { channels, height, width } = input;
  const outHeight = Math.floor((height + 2 * pad - filter.height) / stride) + 1;
  const outWidth = Math.floor((width + 2 * pad - filter.width) / stride) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(`a ${filter.height}×${filter.width} window with stride ${stride} and pad ${pad} does not fit a ${height}×${width} input`);
  }
  return { channels, height, width, filterHeight: filter.height, filterWidth: filter.width, stride, pad, outHeight, outWidth };
}

/** The range of ox whose pixel ox·S + fx − P lies inside a row of width W. */
function insideColumns(fx: number, g: ConvGeometry): [number, number] {
  const { width: W, stride: S, pad: P, outWidth: OW } = g;
  const low = Math.min(OW, Math.max(0, Math.ceil((P - fx) / S)));
  const high = Math.max(low, Math.min(OW, Math.floor((W - 1 + P - fx) / S) + 1));
  return [low, high];
}

/** The range of oy whose row oy·S + fy − P lies inside an image of height H. */
function insideRows(fy: number, g: ConvGeometry): [number, number] {
  const { height: H, stride: S, pad: P, outHeight: OH } = g;
  const low = Math.min(OH, Math.max(0, Math.ceil((P - fy) / S)));
  const high = Math.max(low, Math.min(OH, Math.floor((H - 1 + P - fy) / S) + 1));
  return [low, high];
}

/**
 * Stride 1 and OW = W ("same" padding): within one image, col entry i of row (c, fy, fx)
 * is pixel i + (fy − P)·W + (fx − P) of channel c, so the inside rows copy as one block.
 * Their first `low` and last OW − `high` columns then hold a neighbouring row's pixels
 * (or lie past either end of x): those are the padding, set to zero.
 */
function sameWidth(g: ConvGeometry): boolean {
  return g.stride === 1 && g.outWidth === g.width;
}

/** In one OH×OW block of col starting at `start`: zero columns [0, low) and [high, OW) of rows [rowLow, rowHigh). */
function zeroPaddingColumns(col: Data, start: number, rowLow: number, rowHigh: number, low: number, high: number, OW: number): void {
  if (low === 0 && high === OW) return;
  // NOTE: loops, not fill(): the runs are a pixel or two, where fill's call costs more than the stores.
  for (let oy = rowLow; oy < rowHigh; oy++) {
    const row = start + oy * OW;
    for (let i = row; i < row + low; i++) col[i] = 0;
    for (let i = row + high; i < row + OW; i++) col[i] = 0;
  }
}

/** Fills col ((C·FH·FW) × (images·OH·OW)) from x (images × C × H × W). */
export function im2col(x: Data, images: number, g: ConvGeometry, col: Data): void {
  const { channels: C, height: H, width: W, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const plane = H * W;
  const block = sameWidth(g);
  let out = 0;
  for (let c = 0; c < C; c++) {
    for (let fy = 0; fy < FH; fy++) {
      const [rowLow, rowHigh] = insideRows(fy, g);
      for (let fx = 0; fx < FW; fx++) {
        const [low, high] = insideColumns(fx, g);
        const shift = (fy - P) * W + (fx - P);
        for (let n = 0; n < images; n++, out += OH * OW) {
          const channel = (n * C + c) * plane;
          col.fill(0, out, out + rowLow * OW);
          col.fill(0, out + rowHigh * OW, out + OH * OW);
          if (block) {
            let to = out + rowLow * OW;
            let from = channel + rowLow * OW + shift;
            let count = (rowHigh - rowLow) * OW;
            if (from < 0) [to, count, from] = [to - from, count + from, 0];
            count = Math.min(count, x.length - from);
            if (count > 0) col.set(x.subarray(from, from + count), to);
            zeroPaddingColumns(col, out, rowLow, rowHigh, low, high, OW);
            continue;
          }
          for (let oy = rowLow, to = out + rowLow * OW; oy < rowHigh; oy++) {
            const row = channel + (oy * S + fy - P) * W + fx - P;
            let ox = 0;
            for (; ox < low; ox++) col[to++] = 0;
            if (S === 1) for (; ox < high; ox++) col[to++] = x[row + ox]!;
            else for (; ox < high; ox++) col[to++] = x[row + ox * S]!;
            for (; ox < OW; ox++) col[to++] = 0;
          }
        }
      }
    }
  }
}

/**
 * dx (images × C × H × W) = the sum of every col entry onto the pixel im2col took it from.
 * NOTE: may set col's padding entries (those im2col fills with zeros) to zero: col is a
 * gradient scratch buffer, and those entries belong to no pixel.
 */
export function col2im(col: Data, images: number, g: ConvGeometry, dx: Data): void {
  const { channels: C, height: H, width: W, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const plane = H * W;
  const total = images * C * plane;
  const block = sameWidth(g);
  dx.fill(0, 0, total);
  let from = 0;
  for (let c = 0; c < C; c++) {
    for (let fy = 0; fy < FH; fy++) {
      const [rowLow, rowHigh] = insideRows(fy, g);
      for (let fx = 0; fx < FW; fx++) {
        const [low, high] = insideColumns(fx, g);
        const shift = (fy - P) * W + (fx - P);
        for (let n = 0; n < images; n++, from += OH * OW) {
          const channel = (n * C + c) * plane;
          if (block) {
            zeroPaddingColumns(col, from, rowLow, rowHigh, low, high, OW);
            let source = from + rowLow * OW;
            let to = channel + rowLow * OW + shift;
            let count = (rowHigh - rowLow) * OW;
            if (to < 0) [source, count, to] = [source - to, count + to, 0];
            count = Math.min(count, total - to);
            for (let i = 0; i < count; i++) dx[to + i]! += col[source + i]!;
            continue;
          }
          for (let oy = rowLow; oy < rowHigh; oy++) {
            const row = channel + (oy * S + fy - P) * W + fx - P;
            const f = from + oy * OW;
            if (S === 1) for (let ox = low; ox < high; ox++) dx[row + ox]! += col[f + ox]!;
            else for (let ox = low; ox < high; ox++) dx[row + ox * S]! += col[f + ox]!;
          }
        }
      }
    }
  }
}
