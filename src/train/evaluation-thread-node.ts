// Node-only. The evaluation thread (started by evaluation-worker-node.ts): its own backend on
// one thread, the same build as the training thread's, and a net of the same spec. For each
// request it takes the weights as they were at the evaluation's iteration, counts the correct
// predictions on both sets and puts the accuracies in the request's slot of the shared channel.
// Images kept as bytes in the training thread's shared memory are read there, a chunk at a
// time copied into this thread's memory (where its kernels read them): no copy of the whole
// set, whose 55 MB of fresh pages would cost page faults while training starts.

import { parentPort, workerData } from 'node:worker_threads';
import { type Dataset, sampleShapeOf } from '../data/dataset.js';
import { netTensors } from '../io/model-file.js';
import { buildNet } from '../nets/spec.js';
import { useBackend } from '../tensor/kernels/select.js';
import { Rng } from '../tensor/rng.js';
import { allocateBytes, sizeOf, Tensor } from '../tensor/tensor.js';
import { ACCURACY_CHUNK_ROWS, DatasetAccuracy } from './dataset-accuracy.js';
import { channelViews, DONE, type EvaluationRequest, type EvaluationThreadInit, RING_SLOTS, reportFailure, type SetMessage } from './evaluation-channel.js';

const init = workerData as EvaluationThreadInit;
const channel = channelViews(init.channel);
let closing = false;

interface Evaluator {
  tensors: Tensor[];
  accuracy: DatasetAccuracy;
  train: Dataset;
  test: Dataset;
  /** Rows of shared bytes, copied here a chunk at a time (allocated with the first such set). */
  staging?: Uint8Array;
}

async function setUp(): Promise<Evaluator> {
  const { backend } = init;
  // NOTE: the backend first: the net's tensors and the chunks go into its memory.
  await useBackend(backend.name, backend.name === 'wasm' ? { threads: 1, variant: backend.variant } : {});
  const net = buildNet(init.spec, { rng: new Rng(0) });
  return { tensors: netTensors(net).map(([, tensor]) => tensor), accuracy: new DatasetAccuracy(net), train: localSet(init.train), test: localSet(init.test) };
}

/** The set as this thread reads it: bytes where they are, floats copied into its memory. */
function localSet(set: SetMessage): Dataset {
  if (set.pixels) return byteSet(set.pixels, set.count, set.sampleShape, set.labels);
  const images = Tensor.zeros([set.count, ...set.sampleShape]);
  images.data.set(set.images!);
  return { images, labels: set.labels };
}

function byteSet(pixels: Uint8Array, count: number, sampleShape: readonly number[], labels: Uint8Array): Dataset {
  return {
    pixels,
    count,
    sampleShape,
    labels,
    get images(): Tensor {
      throw new Error('evaluation thread: images are read as bytes');
    },
  };
}

/** Correct predictions among the first `count` images of the set. */
function correct(evaluator: Evaluator, set: Dataset, count: number): number {
  const { pixels } = set;
  if (!pixels || !(pixels.buffer instanceof SharedArrayBuffer)) return evaluator.accuracy.correct(set, count);
  const width = sizeOf(sampleShapeOf(set));
  if (evaluator.staging?.length !== ACCURACY_CHUNK_ROWS * width) evaluator.staging = allocateBytes(ACCURACY_CHUNK_ROWS * width);
  const staging = evaluator.staging;
  let total = 0;
  for (let start = 0; start < count; start += ACCURACY_CHUNK_ROWS) {
    const end = Math.min(count, start + ACCURACY_CHUNK_ROWS);
    const rows = end - start;
    staging.set(pixels.subarray(start * width, end * width));
    total += evaluator.accuracy.correct(byteSet(staging.subarray(0, rows * width), rows, sampleShapeOf(set), set.labels.subarray(start, end)));
  }
  return total;
}

let slot = 0;
function evaluate(evaluator: Evaluator, { weights, limit }: EvaluationRequest): void {
  let offset = 0;
  for (const tensor of evaluator.tensors) {
    tensor.data.set(weights.subarray(offset, offset + tensor.data.length));
    offset += tensor.data.length;
  }
  if (offset !== weights.length) throw new Error(`got ${weights.length} weights for a net of ${offset}`);
  const { train, test } = evaluator;
  const accuracy = (set: Dataset): number => {
    const count = Math.min(set.labels.length, limit);
    return count === 0 ? 0 : correct(evaluator, set, count) / count;
  };
  channel.values[2 * slot] = accuracy(train);
  channel.values[2 * slot + 1] = accuracy(test);
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
