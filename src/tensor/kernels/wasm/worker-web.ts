// Entry of a browser gemm worker (a module Web Worker): see worker-loop.ts.

import type { WorkerInit } from './control.js';
import { runWorker } from './worker-loop.js';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerInit>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  scope.onmessage = null;
  void runWorker(event.data, () => scope.postMessage('ready'));
};
