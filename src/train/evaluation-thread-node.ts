// Node-only. The evaluation thread (started by evaluation-worker-node.ts): its own backend on
// one thread, the same build as the training thread's; its own copy of the images, in that
// backend's memory; a net of the same spec. For each request it takes the weights as they were
// at the evaluation's iteration, counts the correct predictions on both sets and puts the
// accuracies in the request's slot of the shared channel.

import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../data/dataset.js';
import { netTensors } from '../io/model-file.js';
import { buildNet } from '../nets/spec.js';
import { useBackend } from '../tensor/kernels/select.js';
import { Rng } from '../tensor/rng.js';
import { allocateBytes, Tensor } from '../tensor/tensor.js';
import { DatasetAccuracy } from './dataset-accuracy.js';
import { channelViews, DONE, type EvaluationRequest, type EvaluationThreadInit, RING_SLOTS, reportFailure, type SetMessage } from './evaluation-channel.js';

const init = workerData as EvaluationThreadInit;
const channel = channelViews(init.channel);
let closing = false;

interface Evaluator {
  tensors: Tensor[];
  accuracy: DatasetAccuracy;
  train: Dataset;
  test: Dataset;
}

async function setUp(): Promise<Evaluator> {
  const { backend } = init;
  // NOTE: the backend first: the net's tensors and the images go into its memory.
  await useBackend(backend.name, backend.name === 'wasm' ? { threads: 1, variant: backend.variant } : {});
  const net = buildNet(init.spec, { rng: new Rng(0) });
  return { tensors: netTensors(net).map(([, tensor]) => tensor), accuracy: new DatasetAccuracy(net), train: localSet(init.train), test: localSet(init.test) };
}

/** The set in this thread's backend memory, where its kernels read the images in place. */
function localSet(set: SetMessage): Dataset {
  if (set.pixels) {
    const pixels = allocateBytes(set.pixels.length);
    pixels.set(set.pixels);
    return {
      pixels,
      count: set.count,
      sampleShape: set.sampleShape,
      labels: set.labels,
      get images(): Tensor {
        throw new Error('evaluation thread: images are read as bytes');
      },
    };
  }
  const images = Tensor.zeros([set.count, ...set.sampleShape]);
  images.data.set(set.images!);
  return { images, labels: set.labels };
}

let slot = 0;
function evaluate(evaluator: Evaluator, { weights, limit }: EvaluationRequest): void {
  let offset = 0;
  for (const tensor of evaluator.tensors) {
    tensor.data.set(weights.subarray(offset, offset + tensor.data.length));
    offset += tensor.data.length;
  }
  if (offset !== weights.length) throw new Error(`got ${weights.length} weights for a net of ${offset}`);
  const { accuracy, train, test } = evaluator;
  channel.values[2 * slot] = accuracy.of(train, Math.min(train.count!, limit));
  channel.values[2 * slot + 1] = accuracy.of(test, Math.min(test.count!, limit));
  slot = (slot + 1) % RING_SLOTS;
  // NOTE: the values are written before DONE moves: Atomics.add orders them for the reader.
  Atomics.add(channel.header, DONE, 1);
  Atomics.notify(channel.header, DONE);
}

const failed = (error: unknown): void => reportFailure(channel, `evaluation thread: ${(error as Error)?.message ?? String(error)}`);
let ready: Promise<Evaluator | undefined> = setUp().catch((error: unknown) => {
  failed(error);
  return undefined;
});
parentPort!.on('message', (message: EvaluationRequest | 'close') => {
  if (message === 'close') {
    closing = true;
    parentPort!.close();
    return;
  }
  ready = ready.then((evaluator) => {
    if (!evaluator) return undefined;
    try {
      evaluate(evaluator, message);
      return evaluator;
    } catch (error) {
      failed(error);
      return undefined;
    }
  });
});
process.on('exit', () => {
  if (!closing) reportFailure(channel, 'evaluation thread: ended before it was closed');
});
