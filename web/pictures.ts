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

/** Tiles in a grid filling the canvas, each normalized on its own; `gap` pixels between tiles. */
export function paintTiles(canvas: HTMLCanvasElement, tiles: { values: Float32Array; count: number; height: number; width: number }, gap = 2): void {
  const { values, count, height, width } = tiles;
  const context = canvas.getContext('2d')!;
  context.clearRect(0, 0, canvas.width, canvas.height);
  // The largest whole scale at which all tiles fit.
  let best = { scale: 1, columns: count };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const scale = Math.floor(Math.min((canvas.width + gap) / columns - gap, 1e9) / width);
    const fitsHeight = Math.floor(((canvas.height + gap) / rows - gap) / height);
    const s = Math.min(scale, fitsHeight);
    if (s > best.scale || (s === best.scale && columns < best.columns && s > 0)) best = { scale: s, columns };
  }
  const { scale, columns } = best;
  const tile = context.createImageData(width * scale, height * scale);
  for (let t = 0; t < count; t++) {
    let largest = 1e-12;
    for (let i = 0; i < width * height; i++) largest = Math.max(largest, Math.abs(values[t * width * height + i]!));
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const w = values[t * width * height + Math.floor(y / scale) * width + Math.floor(x / scale)]!;
        const v = Math.round(255 * (0.5 + w / (2 * largest)));
        tile.data.set([v, v, v, 255], 4 * (y * width * scale + x));
      }
    }
    context.putImageData(tile, (t % columns) * (width * scale + gap), Math.floor(t / columns) * (height * scale + gap));
  }
}
