// Node-only. A BackgroundEvaluator on a worker thread (evaluation-thread-node.ts): the
// training thread hands it a copy of the weights at each evaluation and goes on training;
// the accuracies come back through shared memory (evaluation-channel.ts).

import { Worker } from 'node:worker_threads';
import { type Dataset, imageCount, sampleShapeOf } from '../data/dataset.js';
import { netTensors } from '../io/model-file.js';
import type { LayerNet } from '../nets/layer-net.js';
import type { SpecNet } from '../nets/spec.js';
import type { Kernels } from '../tensor/kernels/kernels.js';
import type { WasmKernels } from '../tensor/kernels/wasm/backend.js';
import type { Accuracies, BackgroundEvaluator } from './background-evaluator.js';
import {
  CHANNEL_BYTES, channelViews, DONE, type EvaluationRequest, type EvaluationThreadInit, FAILED, failureText, RING_SLOTS, type SetMessage,
} from './evaluation-channel.js';

export interface EvaluationWorker extends BackgroundEvaluator {
  /** Stops the thread; evaluations still under way are dropped. */
  close(): Promise<void>;
}

/**
 * Starts the thread, for a net of `net`'s spec on the backend `backend` (the training
 * thread's: the same kernels give the same accuracies). It copies both sets into its own
 * memory once; until then (and while it starts) the evaluations handed to it wait in line.
 */
export function startEvaluationWorker(net: SpecNet, data: { train: Dataset; test: Dataset }, backend: Kernels): EvaluationWorker {
  const buffer = new SharedArrayBuffer(CHANNEL_BYTES);
  const channel = channelViews(buffer);
  const init: EvaluationThreadInit = {
    channel: buffer,
    backend: backend.name === 'wasm' ? { name: 'wasm', variant: (backend as WasmKernels).variant } : { name: 'js' },
    spec: net.spec,
    train: setMessage(data.train),
    test: setMessage(data.test),
  };
  // NOTE: no execArgv: the parent's (--input-type, -e …) can be invalid for a worker file.
  const worker = new Worker(new URL('./evaluation-thread-node.js', import.meta.url), { workerData: init, execArgv: [] });
  // A failure is read from the channel by the waiting thread; the event must not end the process.
  worker.on('error', () => {});
  worker.unref();
  let submitted = 0;
  let taken = 0;
  let closed = false;
  return {
    submit(current: LayerNet, limit: number): void {
      if (closed) throw new Error('evaluation worker: used after close()');
      if (submitted - taken >= RING_SLOTS) throw new Error(`evaluation worker: more than ${RING_SLOTS} evaluations under way`);
      const tensors = netTensors(current);
      const weights = new Float32Array(tensors.reduce((sum, [, tensor]) => sum + tensor.data.length, 0));
      let offset = 0;
      for (const [, tensor] of tensors) {
        weights.set(tensor.data, offset);
        offset += tensor.data.length;
      }
      worker.postMessage({ weights, limit } satisfies EvaluationRequest, [weights.buffer]);
      submitted++;
    },
    take(atLeast: number): Accuracies[] {
      if (closed) throw new Error('evaluation worker: used after close()');
      const wanted = taken + Math.min(Math.max(atLeast, 0), submitted - taken);
      let done = Atomics.load(channel.header, DONE);
      while (done < wanted && Atomics.load(channel.header, FAILED) === 0) {
        Atomics.wait(channel.header, DONE, done, 1000);
        done = Atomics.load(channel.header, DONE);
      }
      if (Atomics.load(channel.header, FAILED) !== 0) throw new Error(failureText(channel));
      const results: Accuracies[] = [];
      for (; taken < done; taken++) {
        const slot = taken % RING_SLOTS;
        results.push({ trainAccuracy: channel.values[2 * slot]!, testAccuracy: channel.values[2 * slot + 1]! });
      }
      return results;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      worker.postMessage('close');
      await worker.terminate();
    },
  };
}

/** A set for the thread: bytes in shared memory go over as they are; anything else is copied. */
function setMessage(set: Dataset): SetMessage {
  const base = { count: imageCount(set), sampleShape: sampleShapeOf(set), labels: set.labels.slice() };
  if (set.pixels) return { ...base, pixels: set.pixels.buffer instanceof SharedArrayBuffer ? set.pixels : set.pixels.slice() };
  const images = set.images.data;
  if (!(images instanceof Float32Array)) throw new Error('evaluation worker: the images must be float32');
  return { ...base, images: images.buffer instanceof SharedArrayBuffer ? images : images.slice() };
}
