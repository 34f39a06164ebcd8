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

import type { Data } from '../tensor/tensor.js';

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

/** Fills col ((C·FH·FW) × (images·OH·OW)) from x (images × C × H × W). */
export function im2col(x: Data, images: number, g: ConvGeometry, col: Data): void {
  const { channels: C, height: H, width: W, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const plane = H * W;
  let out = 0;
  for (let c = 0; c < C; c++) {
    for (let fy = 0; fy < FH; fy++) {
      for (let fx = 0; fx < FW; fx++) {
        const [low, high] = insideColumns(fx, g);
        for (let n = 0; n < images; n++) {
          const channel = (n * C + c) * plane;
          for (let oy = 0; oy < OH; oy++) {
            const y = oy * S + fy - P;
            if (y < 0 || y >= H) {
              col.fill(0, out, out + OW);
              out += OW;
              continue;
            }
            const row = channel + y * W + fx - P;
            let ox = 0;
            for (; ox < low; ox++) col[out++] = 0;
            if (S === 1) for (; ox < high; ox++) col[out++] = x[row + ox]!;
            else for (; ox < high; ox++) col[out++] = x[row + ox * S]!;
            for (; ox < OW; ox++) col[out++] = 0;
          }
        }
      }
    }
  }
}

/** dx (images × C × H × W) = the sum of every col entry onto the pixel im2col took it from. */
export function col2im(col: Data, images: number, g: ConvGeometry, dx: Data): void {
  const { channels: C, height: H, width: W, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const plane = H * W;
  dx.fill(0, 0, images * C * plane);
  let from = 0;
  for (let c = 0; c < C; c++) {
    for (let fy = 0; fy < FH; fy++) {
      for (let fx = 0; fx < FW; fx++) {
        const [low, high] = insideColumns(fx, g);
        for (let n = 0; n < images; n++) {
          const channel = (n * C + c) * plane;
          for (let oy = 0; oy < OH; oy++, from += OW) {
            const y = oy * S + fy - P;
            if (y < 0 || y >= H) continue;
            const row = channel + y * W + fx - P;
            if (S === 1) for (let ox = low; ox < high; ox++) dx[row + ox] += col[from + ox]!;
            else for (let ox = low; ox < high; ox++) dx[row + ox * S] += col[from + ox]!;
          }
        }
      }
    }
  }
}
