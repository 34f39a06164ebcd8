// Node-only (sharp): a person's image file of a digit made MNIST-like (see data/mnist-like.ts
// for the steps; the pure ones live there, shared with the page). Here: decode any format
// sharp reads (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG …), apply EXIF rotation, put
// transparency on white, take the grey level (step 1), and resize with Lanczos-3 (step 5).

import { statSync, type Stats } from 'node:fs';
import sharp, { type OutputInfo } from 'sharp';
import { InputError } from '../errors.js';
import { centreByMass, cropToInk, scaledSize, type MnistLikeOptions } from './mnist-like.js';

export { centreByMass, type MnistLikeOptions } from './mnist-like.js';

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
  let stats: Stats;
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

  const crop = cropToInk(luminance, width, height);
  if (!crop) throw new InputError(`${file}: no digit found (the image is almost uniform)`);
  const { width: scaledWidth, height: scaledHeight } = scaledSize(crop.width, crop.height, box);
  const resized = await sharp(crop.pixels, { raw: { width: crop.width, height: crop.height, channels: 1 } })
    .resize(scaledWidth, scaledHeight, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // NOTE: sharp may hand back a one-channel image as three (sRGB) channels; take the first.
  const scaled = new Uint8Array(scaledWidth * scaledHeight);
  for (let i = 0; i < scaled.length; i++) scaled[i] = resized.data[i * resized.info.channels]!;

  // 6. Centre of mass to the centre.
  const pixels = centreByMass(scaled, scaledWidth, scaledHeight, size);
  return { pixels, size, inverted: crop.inverted, boundingBox: crop.boundingBox };
}

function describeSharpError(error: Error): string {
  const message = error.message;
  if (/unsupported image format/i.test(message)) return 'not an image in a format sharp can read';
  return `cannot read the image (${message})`;
}
