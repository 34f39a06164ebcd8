// Node-only (sharp): a person's image of a digit made MNIST-like, the way MNIST was made
// (LeCun et al.): the digit, grey on black, scaled to fit a 20×20 box keeping its aspect
// ratio (antialiased), then placed in the 28×28 field so its centre of mass sits at the
// centre. Here, in order:
//   1. decode any format sharp reads (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG …), apply EXIF
//      rotation, put transparency on white, take the grey level
//   2. light background (the median of the border pixels is above half) → invert, so ink is bright
//   3. stretch the contrast: background level → 0, brightest ink → 1; below 0.2 is paper noise → 0
//   4. crop to the ink's bounding box
//   5. resize so the longer side is 20 (for a 28×28 model), keeping the aspect ratio (Lanczos-3:
//      antialiased when shrinking)
//   6. paste into 28×28 with the centre of mass at (14, 14), the mean centre of MNIST's own
//      test digits in pixel-index coordinates (measured: 14.01, 13.99)

import { statSync } from 'node:fs';
import sharp, { type OutputInfo } from 'sharp';
import { InputError } from '../errors.js';

/** Ink below this fraction of the brightest ink is treated as paper (JPEG noise, shadows). */
const NOISE_FLOOR = 0.2;

export interface MnistLikeOptions {
  /** Side of the square output (28 for MNIST). */
  size?: number;
  /** Side of the box the digit is scaled into (20 for MNIST; default size · 20/28). */
  box?: number;
}

export interface MnistLikeImage {
  /** size × size grey levels in 0..1, ink bright, row-major. */
  readonly pixels: Float32Array;
  readonly size: number;
  /** Whether the image was inverted because its background was light. */
  readonly inverted: boolean;
  /** The ink's bounding box in the original image: x, y, width, height. */
  readonly boundingBox: readonly [number, number, number, number];
}

/** Reads an image file and makes it MNIST-like; errors name the file. */
export async function readMnistLikeImage(file: string, options: MnistLikeOptions = {}): Promise<MnistLikeImage> {
  const size = options.size ?? 28;
  const box = options.box ?? Math.round((size * 20) / 28);
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`);
  }
  if (stats.isDirectory()) throw new InputError(`${file}: is a folder, not an image`);
  let grey: { data: Buffer; info: OutputInfo };
  try {
    grey = await sharp(file).rotate().flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new InputError(`${file}: ${describeSharpError(error as Error)}`);
  }
  const { width, height, channels } = grey.info;
  const luminance = new Float32Array(width * height);
  for (let i = 0; i < luminance.length; i++) luminance[i] = grey.data[i * channels]! / 255;

  // 2. Which way round is it? The border is mostly background.
  const background = median(borderPixels(luminance, width, height));
  const inverted = background > 0.5;
  const ink = new Float32Array(luminance.length);
  for (let i = 0; i < ink.length; i++) ink[i] = inverted ? 1 - luminance[i]! : luminance[i]!;
  const paper = inverted ? 1 - background : background;

  // 3. Contrast: paper → 0, brightest ink → 1.
  let brightest = 0;
  for (const v of ink) brightest = Math.max(brightest, v);
  if (brightest - paper < 0.1) throw new InputError(`${file}: no digit found (the image is almost uniform)`);
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = (ink[i]! - paper) / (brightest - paper);
      ink[i] = v < NOISE_FLOOR ? 0 : Math.min(1, v);
      if (ink[i]! > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }

  // 4–5. Crop to the ink and scale its longer side to the box.
  const cropWidth = right - left + 1;
  const cropHeight = bottom - top + 1;
  const crop = Buffer.alloc(cropWidth * cropHeight);
  for (let y = 0; y < cropHeight; y++) {
    for (let x = 0; x < cropWidth; x++) crop[y * cropWidth + x] = Math.round(255 * ink[(top + y) * width + left + x]!);
  }
  const scale = box / Math.max(cropWidth, cropHeight);
  const scaledWidth = Math.max(1, Math.round(cropWidth * scale));
  const scaledHeight = Math.max(1, Math.round(cropHeight * scale));
  const resized = await sharp(crop, { raw: { width: cropWidth, height: cropHeight, channels: 1 } })
    .resize(scaledWidth, scaledHeight, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // NOTE: sharp may hand back a one-channel image as three (sRGB) channels; take the first.
  const scaled = new Uint8Array(scaledWidth * scaledHeight);
  for (let i = 0; i < scaled.length; i++) scaled[i] = resized.data[i * resized.info.channels]!;

  // 6. Centre of mass to the centre.
  const pixels = centreByMass(scaled, scaledWidth, scaledHeight, size);
  return { pixels, size, inverted, boundingBox: [left, top, cropWidth, cropHeight] };
}

/** Pastes a w×h grey image (0..255) into size×size so its centre of mass lands on (size/2, size/2). */
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

function describeSharpError(error: Error): string {
  const message = error.message;
  if (/unsupported image format/i.test(message)) return 'not an image in a format sharp can read';
  return `cannot read the image (${message})`;
}
