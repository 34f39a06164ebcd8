// The drawing pad: white ink on black, drawn with Pointer Events (mouse, touch and pen
// alike). After each change (at most once a frame) it hands the drawing's grey levels on.

/** Stroke width on the 280-pixel pad: about MNIST's 2–3 pixels in 28 once the digit fills its 20-pixel box. */
const STROKE = 22;

export interface DrawPad {
  clear(): void;
  /** Whether anything has been drawn since the last clear. */
  readonly empty: boolean;
}

export function createDrawPad(canvas: HTMLCanvasElement, onChange: (luminance: Float32Array | undefined, width: number, height: number) => void): DrawPad {
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let empty = true;
  let last: { x: number; y: number } | undefined;
  let frame = 0;

  const fill = (): void => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  const point = (event: PointerEvent): { x: number; y: number } => {
    const box = canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * canvas.width) / box.width, y: ((event.clientY - box.top) * canvas.height) / box.height };
  };
  const changed = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (empty) return onChange(undefined, canvas.width, canvas.height);
      const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
      const luminance = new Float32Array(canvas.width * canvas.height);
      for (let i = 0; i < luminance.length; i++) luminance[i] = rgba[4 * i]! / 255;
      onChange(luminance, canvas.width, canvas.height);
    });
  };
  const stroke = (to: { x: number; y: number }): void => {
    context.strokeStyle = '#fff';
    context.fillStyle = '#fff';
    context.lineWidth = STROKE;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    if (last) {
      context.moveTo(last.x, last.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    } else {
      context.arc(to.x, to.y, STROKE / 2, 0, 2 * Math.PI);
      context.fill();
    }
    last = to;
    empty = false;
    changed();
  };

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    last = undefined;
    stroke(point(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!canvas.hasPointerCapture(event.pointerId)) return;
    // Coalesced events: a fast pen gives several points per frame.
    for (const e of event.getCoalescedEvents?.() ?? [event]) stroke(point(e));
  });
  const end = (event: PointerEvent): void => {
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    last = undefined;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  fill();

  return {
    clear() {
      fill();
      empty = true;
      last = undefined;
      changed();
    },
    get empty() {
      return empty;
    },
  };
}
