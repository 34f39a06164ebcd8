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
  const gridWidth = columns * (width + gap) - gap;
  const gridHeight = rows * (height + gap) - gap;
  if (canvas.width !== gridWidth || canvas.height !== gridHeight) {
    canvas.width = gridWidth;
    canvas.height = gridHeight;
  }
  const context = canvas.getContext('2d')!;
  const grid = context.createImageData(gridWidth, gridHeight);
  grid.data.fill(255);
  for (let t = 0; t < count; t++) {
    let largest = 1e-12;
    for (let i = 0; i < width * height; i++) largest = Math.max(largest, Math.abs(values[t * width * height + i]!));
    const left = (t % columns) * (width + gap);
    const top = Math.floor(t / columns) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.round(255 * (0.5 + values[t * width * height + y * width + x]! / (2 * largest)));
        const at = 4 * ((top + y) * gridWidth + left + x);
        grid.data[at] = grid.data[at + 1] = grid.data[at + 2] = v;
      }
    }
  }
  context.putImageData(grid, 0, 0);
}
