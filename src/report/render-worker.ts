// A worker thread that renders chart specs to PNG (see background-render.ts): Vega and resvg
// load and warm up here while the main thread loads data and trains.

import { parentPort } from 'node:worker_threads';
import { RenderError, renderPng } from './render.js';
import type { RenderReply, RenderRequest } from './background-render.js';

const port = parentPort!;
port.on('message', async ({ id, spec, options }: RenderRequest) => {
  let reply: RenderReply;
  try {
    const png = await renderPng(spec, options);
    reply = { id, png };
  } catch (error) {
    reply = error instanceof RenderError
      ? { id, error: { stage: error.stage, detail: error.detail } }
      : { id, error: { detail: (error as Error)?.stack ?? String(error) } };
  }
  port.postMessage(reply, reply.png ? [reply.png.buffer as ArrayBuffer] : []);
});
