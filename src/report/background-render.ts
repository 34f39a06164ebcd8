// Charts rendered in a worker thread. Loading Vega, Vega-Lite and resvg costs 0.3–0.5 s;
// started with the command, the worker pays it while the main thread loads data and trains.
// (Warming it up with sample charts too saved ~0.25 s at the end on an idle machine but cost
// 0.5 s of CPU, a loss whenever the second core is busy. A tiny warm-up, the SVG of a 2-point
// accuracy chart and a 64-point loss chart, cost 0.15–0.2 s of CPU to save ~50 ms: left out.)
// Requests sent together are pipelined in the worker: see render-worker.ts.

import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { RenderError } from './render-error.js';
import type { RenderOptions } from './render.js';

export interface RenderRequest {
  id: number;
  spec: TopLevelSpec;
  options?: RenderOptions;
}

export interface RenderReply {
  id: number;
  png?: Uint8Array;
  /** `stage` when the renderer raised a RenderError; else an unexpected failure. */
  error?: { stage?: RenderError['stage']; detail: string };
}

export interface BackgroundRenderer {
  renderPng(spec: TopLevelSpec, options?: RenderOptions): Promise<Uint8Array>;
  /** Stops the worker; pending renders are rejected. */
  close(): Promise<void>;
}

export function startBackgroundRenderer(): BackgroundRenderer {
  // A small young generation: collected more often, the worker adds about 20 MB to the process's peak RSS, not 35.
  const worker = new Worker(new URL('./render-worker.js', import.meta.url), { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const pending = new Map<number, { resolve(png: Uint8Array): void; reject(error: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
    worker.unref();
  };
  worker.on('error', (error) => fail(new Error(`chart worker failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => fail(new Error(`chart worker exited (code ${code})`)));
  worker.on('message', ({ id, png, error }: RenderReply) => {
    const request = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    if (!request) return;
    if (png) request.resolve(png);
    else if (error?.stage) request.reject(new RenderError(error.stage, error.detail));
    else request.reject(new Error(`chart worker: ${error?.detail}`));
  });
  // NOTE: referenced only while a caller waits, so that an idle worker never keeps the process
  // alive; after the listeners are attached, as attaching a 'message' listener refs it again.
  worker.unref();
  return {
    renderPng(spec, options) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, spec, options } satisfies RenderRequest);
        worker.ref();
      });
    },
    async close() {
      failure ??= new Error('chart worker closed');
      await worker.terminate();
    },
  };
}
