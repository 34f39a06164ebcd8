// A chart is a Vega-Lite spec. Rendering: Vega-Lite → (compile) → Vega → headless view → SVG
// → PNG with resvg, which draws the text with the theme's font files (chart-fonts.ts).
// A training run's charts skip the compile and the parse: the build did both (compiled-charts.ts).

import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../io/atomic-write-node.js';
import { RenderError } from './render-error.js';
import { fontOptions } from './chart-fonts.js';
import { collectingLogger, describe } from './chart-logger.js';
import { chartRuntime } from './compiled-charts.js';

export { RenderError };

export interface RenderOptions {
  /** Device pixels per chart pixel; 2 gives a crisp PNG on high-density screens. Default 2. */
  scale?: number;
}

export interface SvgResult {
  svg: string;
  /** Vega-Lite and Vega warnings (a chart with warnings still renders). */
  warnings: string[];
}

/** Compile and run the spec headlessly; the SVG and any warnings. Throws RenderError. */
export async function renderSvgWithWarnings(spec: TopLevelSpec): Promise<SvgResult> {
  const logger = collectingLogger();
  let runtime: vega.Runtime;
  try {
    runtime = await chartRuntime(spec, logger);
  } catch (error) {
    throw new RenderError('compile', describe(error), { cause: error });
  }
  let svg: string;
  try {
    const view = new vega.View(runtime, { renderer: 'none', logger, logLevel: vega.Warn });
    svg = await view.toSVG();
    view.finalize();
  } catch (error) {
    throw new RenderError('vega', describe(error), { cause: error });
  }
  // NOTE: Vega logs errors raised inside its dataflow (a bad expression, a missing field)
  // and carries on with a half-drawn chart; treat them as failures.
  if (logger.errors.length > 0) throw new RenderError('vega', logger.errors.join('; '));
  return { svg, warnings: logger.warnings };
}

/** The spec as an SVG document. Throws RenderError. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  return (await renderSvgWithWarnings(spec)).svg;
}

function resvgOptions(svg: string, options: RenderOptions): ResvgRenderOptions {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new RangeError(`scale must be in (0, 16], got ${scale}`);
  return { font: fontOptions(svg), fitTo: { mode: 'zoom', value: scale }, background: 'white' };
}

/** Rasterize an SVG document to PNG bytes. Throws RenderError. */
export function svgToPng(svg: string, options: RenderOptions = {}): Uint8Array {
  const settings = resvgOptions(svg, options);
  try {
    return new Uint8Array(new Resvg(svg, settings).render().asPng());
  } catch (error) {
    throw new RenderError('rasterize', describe(error), { cause: error });
  }
}

/**
 * svgToPng, with the parsing and drawing on a libuv thread: the calling thread is free (to
 * build the next chart's SVG) until the PNG encoding. Rejects with RenderError.
 */
export async function svgToPngAsync(svg: string, options: RenderOptions = {}): Promise<Uint8Array> {
  const settings = resvgOptions(svg, options);
  try {
    return new Uint8Array((await renderAsync(svg, settings)).asPng());
  } catch (error) {
    throw new RenderError('rasterize', describe(error), { cause: error });
  }
}

/** The spec as PNG bytes. Throws RenderError. */
export async function renderPng(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}

/**
 * Render the spec and write it to `path` as PNG. Rendering finishes before the file is touched,
 * and the bytes go through a temporary file renamed into place: a failure never leaves a
 * partial or temporary file, and an older file at `path` stays intact.
 */
export async function writePng(path: string, spec: TopLevelSpec, options: RenderOptions = {}): Promise<void> {
  writeFileAtomic(path, await renderPng(spec, options));
}
