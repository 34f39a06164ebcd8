// A grid of small grayscale images (MNIST digits) with a caption under each, e.g.
// "true 4 → pred 9 (0.98)". Each digit becomes a PNG (sharp, nearest-neighbour upscaling so the
// pixels stay sharp squares) embedded in a Vega-Lite image mark; the captions are text marks,
// so the grid shares the fonts and rendering of every other chart.
//
// Ink is drawn dark on white (gray = 255 · (1 − intensity)), as on paper.

import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng } from './render.js';
import { baseConfig } from './theme.js';

export interface DigitImage {
  /** Row-major intensities, 0..1 (float) or 0..255 (integer arrays, or floats above 1). */
  pixels: Float32Array | Float64Array | Uint8Array | Uint8ClampedArray;
  /** Shown under the image; '\n' starts a new line. */
  caption: string;
  /** Default: a square, side √(pixels.length). */
  width?: number;
  height?: number;
}

export interface DigitGridOptions {
  title?: string;
  subtitle?: string | string[];
  /** Chart pixels per image side. Default 112 (4× a 28-pixel digit). */
  tileSize?: number;
  /** Device pixels per chart pixel, as in renderPng. Default 2. */
  scale?: number;
}

const CAPTION_FONT_SIZE = 11;
const CAPTION_LINE_HEIGHT = 14;
const GAP = 14;

/** Intensities as 8-bit ink on white: 255 · (1 − v), v clamped to [0, 1]. */
export function inkOnWhite(pixels: DigitImage['pixels']): Uint8Array {
  let peak = 0;
  for (const v of pixels) if (v > peak) peak = v;
  const range = pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray || peak > 1 ? 255 : 1;
  const gray = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]! / range;
    const intensity = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
    gray[i] = Math.round(255 * (1 - intensity));
  }
  return gray;
}

function imageSize(image: DigitImage, index: number): { width: number; height: number } {
  const n = image.pixels.length;
  if (image.width !== undefined || image.height !== undefined) {
    const width = image.width ?? n / image.height!;
    const height = image.height ?? n / image.width!;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width * height !== n || n === 0) {
      throw new Error(`digitGrid: image ${index} has ${n} pixels, not ${image.width ?? '?'}×${image.height ?? '?'}`);
    }
    return { width, height };
  }
  const side = Math.round(Math.sqrt(n));
  if (side * side !== n || n === 0) throw new Error(`digitGrid: image ${index} has ${n} pixels, not a square; give width and height`);
  return { width: side, height: side };
}

async function pngDataUrl(image: DigitImage, index: number, devicePixels: number): Promise<string> {
  const { width, height } = imageSize(image, index);
  const factor = Math.max(1, Math.ceil(devicePixels / Math.max(width, height)));
  const png = await sharp(inkOnWhite(image.pixels), { raw: { width, height, channels: 1 } })
    .resize(width * factor, height * factor, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export async function digitGridSpec(
  images: readonly DigitImage[],
  columns = 8,
  options: DigitGridOptions = {},
): Promise<TopLevelSpec> {
  if (images.length === 0) throw new Error('digitGrid: no images');
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`digitGrid: columns must be a positive integer, got ${columns}`);
  const tile = options.tileSize ?? 112;
  const scale = options.scale ?? 2;
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const captionLines = images.map((image) => image.caption.split('\n'));
  const lineCount = Math.max(...captionLines.map((lines) => lines.length));
  const longestLine = Math.max(...captionLines.flat().map((line) => line.length));
  // Text marks are never truncated (no limit); the cell is as wide as the longest caption
  // line at 0.65 em per character, a little more than DejaVu Sans needs for digits (0.64 em)
  // and lower-case letters, so neighbouring captions do not touch.
  const cellWidth = Math.max(tile, Math.ceil(0.65 * CAPTION_FONT_SIZE * longestLine)) + GAP;
  const cellHeight = tile + 6 + lineCount * CAPTION_LINE_HEIGHT + GAP;

  const urls = await Promise.all(images.map((image, i) => pngDataUrl(image, i, tile * scale)));
  const cells = images.map((image, i) => {
    const left = (i % cols) * cellWidth + (cellWidth - tile) / 2;
    const top = Math.floor(i / cols) * cellHeight;
    return {
      left,
      top,
      right: left + tile,
      bottom: top + tile,
      center: left + tile / 2,
      captionTop: top + tile + 6,
      url: urls[i]!,
      caption: image.caption,
    };
  });
  const px = (field: string) => ({ field, type: 'quantitative' as const, scale: null, axis: null });
  const subtitle = options.subtitle;
  const title = options.title;

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...baseConfig, view: { stroke: null } },
    ...(title === undefined ? {} : { title: subtitle === undefined ? { text: title } : { text: title, subtitle } }),
    width: cols * cellWidth,
    height: rows * cellHeight - GAP,
    data: { values: cells },
    layer: [
      {
        mark: { type: 'image', width: tile, height: tile, align: 'left', baseline: 'top', aspect: false },
        encoding: { x: px('left'), y: px('top'), url: { field: 'url', type: 'nominal' } },
      },
      {
        mark: { type: 'rect', fill: null, stroke: '#bbbbbb', strokeWidth: 1 },
        encoding: { x: px('left'), x2: { field: 'right' }, y: px('top'), y2: { field: 'bottom' } },
      },
      {
        mark: {
          type: 'text',
          align: 'center',
          baseline: 'top',
          fontSize: CAPTION_FONT_SIZE,
          lineHeight: CAPTION_LINE_HEIGHT,
          lineBreak: '\n',
        },
        encoding: { x: px('center'), y: px('captionTop'), text: { field: 'caption', type: 'nominal' } },
      },
    ],
  };
}

/** The grid as PNG bytes (write them with writeFileAtomic). */
export async function digitGridPng(
  images: readonly DigitImage[],
  columns = 8,
  options: DigitGridOptions = {},
): Promise<Uint8Array> {
  return renderPng(await digitGridSpec(images, columns, options), { scale: options.scale ?? 2 });
}
