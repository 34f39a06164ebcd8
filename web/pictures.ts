// Grey-level pictures on canvases: images in 0..1 (test digits, the drawing's 28×28 input)
// and weight tiles, each scaled symmetrically around 0: grey = ½ + w / (2·max|w|).

/** Paints a height×width image of values in 0..1 (ink bright) into a canvas of that size. */
export function paintImage(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, width: number, height: number, offset = 0): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[offset + i]!)));
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

/**
 * Tiles in a grid of about the canvas's aspect ratio, each normalized on its own, one pixel
 * per weight and `gap` pixels between tiles; the canvas is sized to the grid and CSS scales it up.
 */
export function paintTiles(canvas: HTMLCanvasElement, tiles: { values: Float32Array; count: number; height: number; width: number }, aspect = 2, gap = 1): void {
  const { values, count, height, width } = tiles;
  // columns / rows ≈ aspect · (tile height / tile width)
  const columns = Math.max(1, Math.min(count, Math.round(Math.sqrt((count * aspect * height) / width))));
  const rows = Math.ceil(count / columns);
  canvas.width = columns * (width + gap) - gap;
  canvas.height = rows * (height + gap) - gap;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  const tile = context.createImageData(width, height);
  for (let t = 0; t < count; t++) {
    let largest = 1e-12;
    for (let i = 0; i < width * height; i++) largest = Math.max(largest, Math.abs(values[t * width * height + i]!));
    for (let i = 0; i < width * height; i++) {
      const v = Math.round(255 * (0.5 + values[t * width * height + i]! / (2 * largest)));
      tile.data.set([v, v, v, 255], 4 * i);
    }
    context.putImageData(tile, (t % columns) * (width + gap), Math.floor(t / columns) * (height + gap));
  }
}
