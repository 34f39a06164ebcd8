// The one error of chart rendering, in its own module: code that only handles it (a worker's
// caller) need not load Vega.

/** A chart could not be rendered; `stage` says which step failed. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly stage: 'compile' | 'vega' | 'rasterize',
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`chart rendering failed (${stage}): ${detail}`, options);
  }
}
