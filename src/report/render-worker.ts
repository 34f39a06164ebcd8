// A worker thread that renders chart specs to PNG (see background-render.ts): Vega, resvg and
// the build's compiled charts (compiled-charts.ts) load here while the main thread loads data and trains.
// Requests form a pipeline: SVGs are built one at a time, in order, on this thread, and each
// is rasterized on a libuv thread, so one chart's PNG is drawn while the next one's SVG is built.

import { parentPort } from 'node:worker_threads';
import type { RenderReply, RenderRequest } from './background-render.js';
import { buildStructures } from './compiled-charts.js';
import { RenderError, renderSvg, svgToPngAsync } from './render.js';

const port = parentPort!;
// Read now (about 3 ms), not when the run's charts are waited for.
buildStructures();
let svgStage: Promise<unknown> = Promise.resolve();

port.on('message', ({ id, spec, options }: RenderRequest) => {
  const svg = svgStage.then(() => renderSvg(spec));
  svgStage = svg.catch(() => undefined);
  svg.then((text) => svgToPngAsync(text, options)).then(
    (png) => port.postMessage({ id, png } satisfies RenderReply, [png.buffer as ArrayBuffer]),
    (error: unknown) => port.postMessage(failure(id, error)),
  );
});

function failure(id: number, error: unknown): RenderReply {
  return error instanceof RenderError
    ? { id, error: { stage: error.stage, detail: error.detail } }
    : { id, error: { detail: (error as Error)?.stack ?? String(error) } };
}
