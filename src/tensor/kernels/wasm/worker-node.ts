// Entry of a Node gemm worker (worker_threads): see worker-loop.ts.

import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from './control.js';
import { runWorker } from './worker-loop.js';

await runWorker(workerData as WorkerInit, () => parentPort!.postMessage('ready'), (listener) => process.on('exit', listener));
