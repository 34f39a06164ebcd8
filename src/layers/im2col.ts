// im2col / col2im: convolution as one matrix product.
//
// im2col lays every receptive field of an N×C×H×W input out as one row:
//   col[(n·OH·OW + oy·OW + ox), (c·FH + fy)·FW + fx] = x[n, c, oy·S + fy − P, ox·S + fx − P]
// (zero where the index falls into the padding), so that a convolution with filters
// W (FN × C·FH·FW) is col · Wᵀ. col2im is its adjoint: every col entry is added back onto
// the input pixel it was read from (pixels shared by overlapping windows sum their gradients).
//   OH = (H + 2P − FH) / S + 1      OW = (W + 2P − FW) / S + 1

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

/** Fills col ((images·OH·OW) × (C·FH·FW)) from x (images × C × H × W). */
export function im2col(x: Data, images: number, g: ConvGeometry, col: Data): void {
  const { channels: C, height: H, width: W, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const plane = H * W;
  let out = 0;
  for (let n = 0; n < images; n++) {
    const image = n * C * plane;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * S - P;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * S - P;
        const inside = x0 >= 0 && x0 + FW <= W;
        for (let c = 0; c < C; c++) {
          const channel = image + c * plane;
          for (let fy = 0; fy < FH; fy++) {
            const y = y0 + fy;
            if (y < 0 || y >= H) {
              for (let fx = 0; fx < FW; fx++) col[out++] = 0;
              continue;
            }
            const row = channel + y * W + x0;
            if (inside) {
              for (let fx = 0; fx < FW; fx++) col[out++] = x[row + fx]!;
            } else {
              for (let fx = 0; fx < FW; fx++) {
                const xx = x0 + fx;
                col[out++] = xx >= 0 && xx < W ? x[row + fx]! : 0;
              }
            }
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
  for (let n = 0; n < images; n++) {
    const image = n * C * plane;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * S - P;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * S - P;
        const inside = x0 >= 0 && x0 + FW <= W;
        for (let c = 0; c < C; c++) {
          const channel = image + c * plane;
          for (let fy = 0; fy < FH; fy++) {
            const y = y0 + fy;
            if (y < 0 || y >= H) {
              from += FW;
              continue;
            }
            const row = channel + y * W + x0;
            if (inside) {
              for (let fx = 0; fx < FW; fx++) dx[row + fx] += col[from++]!;
            } else {
              for (let fx = 0; fx < FW; fx++, from++) {
                const xx = x0 + fx;
                if (xx >= 0 && xx < W) dx[row + fx] += col[from]!;
              }
            }
          }
        }
      }
    }
  }
}
