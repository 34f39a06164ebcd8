// A person's image of a digit made MNIST-like, the way MNIST was made (LeCun et al.): the
// digit, grey on black, scaled to fit a 20×20 box keeping its aspect ratio (antialiased),
// then placed in the 28×28 field so its centre of mass sits at the centre. The pure steps,
// shared by `scratchnet predict` (data/image-input.ts, which decodes and resizes with sharp)
// and the page's drawing pad (which resizes with `resizeArea`):
//   2. light background (the median of the border pixels is above half) → invert, so ink is bright
//   3. stretch the contrast: background level → 0, brightest ink → 1; below 0.2 is paper noise → 0
//   4. crop to the ink's bounding box
//   5. resize so the longer side is 20 (for a 28×28 model), keeping the aspect ratio
//   6. paste into 28×28 with the centre of mass at (14, 14), the mean centre of MNIST's own
//      test digits in pixel-index coordinates (measured: 14.01, 13.99)

/** Ink below this fraction of the brightest ink is treated as paper (JPEG noise, shadows). */
const NOISE_FLOOR = 0.2;

export interface MnistLikeOptions {
  /** Side of the square output (28 for MNIST). */
  size?: number;
  /** Side of the box the digit is scaled into (20 for MNIST; default size · 20/28). */
  box?: number;
}

/** The ink of an image, cropped to its bounding box: 0..255, bright on black. */
export interface InkCrop {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Whether the image was inverted because its background was light. */
  readonly inverted: boolean;
  /** The ink's bounding box in the original image: x, y, width, height. */
  readonly boundingBox: readonly [number, number, number, number];
}

/** Steps 2–4 on grey levels in 0..1 (row-major); undefined when the image is almost uniform (no digit). */
export function cropToInk(luminance: Float32Array, width: number, height: number): InkCrop | undefined {
  // 2. Which way round is it? The border is mostly background.
  const background = median(borderPixels(luminance, width, height));
  const inverted = background > 0.5;
  const ink = new Float32Array(luminance.length);
  for (let i = 0; i < ink.length; i++) ink[i] = inverted ? 1 - luminance[i]! : luminance[i]!;
  const paper = inverted ? 1 - background : background;

  // 3. Contrast: paper → 0, brightest ink → 1.
  let brightest = 0;
  for (const v of ink) brightest = Math.max(brightest, v);
  if (brightest - paper < 0.1) return undefined;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = (ink[i]! - paper) / (brightest - paper);
      ink[i] = v < NOISE_FLOOR ? 0 : Math.min(1, v);
      if (ink[i] > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }

  // 4. Crop to the ink.
  const cropWidth = right - left + 1;
  const cropHeight = bottom - top + 1;
  const pixels = new Uint8Array(cropWidth * cropHeight);
  for (let y = 0; y < cropHeight; y++) {
    for (let x = 0; x < cropWidth; x++) pixels[y * cropWidth + x] = Math.round(255 * ink[(top + y) * width + left + x]!);
  }
  return { pixels, width: cropWidth, height: cropHeight, inverted, boundingBox: [left, top, cropWidth, cropHeight] };
}

/** Step 5's target: the longer side scaled to `box`, the aspect ratio kept. */
export function scaledSize(width: number, height: number, box: number): { width: number; height: number } {
  const scale = box / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Resizes a grey image (0..255) by area averaging: each output pixel is the mean of the input
 * area it covers, with fractional pixels weighted by overlap (antialiased when shrinking).
 */
export function resizeArea(image: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  const xWeights = overlapWeights(w, outW);
  const yWeights = overlapWeights(h, outH);
  const out = new Uint8Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let sum = 0;
      let area = 0;
      for (const [y, wy] of yWeights[oy]!) {
        for (const [x, wx] of xWeights[ox]!) {
          sum += wy * wx * image[y * w + x]!;
          area += wy * wx;
        }
      }
      out[oy * outW + ox] = Math.round(sum / area);
    }
  }
  return out;
}

/** For each output cell, the input cells it covers and by how much: [index, overlap]. */
function overlapWeights(size: number, outSize: number): [number, number][][] {
  const step = size / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const start = o * step;
    const end = start + step;
    const cells: [number, number][] = [];
    for (let i = Math.floor(start); i < Math.min(size, Math.ceil(end)); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) cells.push([i, overlap]);
    }
    return cells;
  });
}

/** Step 6: pastes a w×h grey image (0..255) into size×size so its centre of mass lands on (size/2, size/2); 0..1 out. */
export function centreByMass(image: Uint8Array, w: number, h: number, size: number): Float32Array {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = image[y * w + x]!;
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  const centreX = mass > 0 ? sumX / mass : (w - 1) / 2;
  const centreY = mass > 0 ? sumY / mass : (h - 1) / 2;
  const offsetX = Math.round(size / 2 - centreX);
  const offsetY = Math.round(size / 2 - centreY);
  const out = new Float32Array(size * size);
  for (let y = 0; y < h; y++) {
    const ty = y + offsetY;
    if (ty < 0 || ty >= size) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + offsetX;
      if (tx >= 0 && tx < size) out[ty * size + tx] = image[y * w + x]! / 255;
    }
  }
  return out;
}

/** Steps 2–6 with `resizeArea`: grey levels in 0..1 → size×size in 0..1; undefined when there is no digit. */
export function mnistLikePixels(luminance: Float32Array, width: number, height: number, options: MnistLikeOptions = {}): Float32Array | undefined {
  const size = options.size ?? 28;
  const box = options.box ?? Math.round((size * 20) / 28);
  const crop = cropToInk(luminance, width, height);
  if (!crop) return undefined;
  const target = scaledSize(crop.width, crop.height, box);
  return centreByMass(resizeArea(crop.pixels, crop.width, crop.height, target.width, target.height), target.width, target.height, size);
}

function borderPixels(values: Float32Array, width: number, height: number): number[] {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(values[x]!, values[(height - 1) * width + x]!);
  for (let y = 1; y < height - 1; y++) border.push(values[y * width]!, values[y * width + width - 1]!);
  return border;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
