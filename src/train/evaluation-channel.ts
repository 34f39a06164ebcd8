// What the training thread and its evaluation thread share (evaluation-worker-node.ts and
// evaluation-thread-node.ts): the weights go over as messages; the accuracies come back
// through shared memory, so that the training thread can pick them up (or wait for them)
// without a turn of its event loop. Results land in a ring of slots, in the order asked.

import type { ModelSpec } from '../nets/spec.js';
import type { WasmVariant } from '../tensor/kernels/wasm/backend.js';

/** Int32 header: evaluations done; the failure flag; the failure message's length in bytes. */
export const DONE = 0;
export const FAILED = 1;
export const MESSAGE_LENGTH = 2;
const HEADER_BYTES = 16;
/** Evaluations that may be under way at once (the trainer keeps to fewer: MAX_PENDING_EVALUATIONS). */
export const RING_SLOTS = 8;
const MESSAGE_BYTES = 1024;

export const CHANNEL_BYTES = HEADER_BYTES + RING_SLOTS * 16 + MESSAGE_BYTES;

export interface Channel {
  header: Int32Array;
  /** Slot s: train accuracy at 2s, test accuracy at 2s + 1. */
  values: Float64Array;
  message: Uint8Array;
}

export function channelViews(buffer: SharedArrayBuffer): Channel {
  return {
    header: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    values: new Float64Array(buffer, HEADER_BYTES, RING_SLOTS * 2),
    message: new Uint8Array(buffer, HEADER_BYTES + RING_SLOTS * 16, MESSAGE_BYTES),
  };
}

/** Marks the channel failed (the first failure wins) and wakes a thread waiting for results. */
export function reportFailure({ header, message }: Channel, text: string): void {
  if (Atomics.compareExchange(header, FAILED, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(text).subarray(0, message.length);
  message.set(bytes);
  Atomics.store(header, MESSAGE_LENGTH, bytes.length);
  Atomics.notify(header, DONE);
}

export function failureText({ header, message }: Channel): string {
  return new TextDecoder().decode(message.slice(0, Atomics.load(header, MESSAGE_LENGTH)));
}

/** One set as the evaluation thread gets it: bytes (pixel = byte / 255) or floats. */
export interface SetMessage {
  pixels?: Uint8Array;
  images?: Float32Array;
  count: number;
  sampleShape: readonly number[];
  labels: Uint8Array;
}

export interface EvaluationThreadInit {
  channel: SharedArrayBuffer;
  /** The training thread's backend: 'js', or a wasm build (the same build gives the same sums). */
  backend: { name: 'js' } | { name: 'wasm'; variant: WasmVariant };
  spec: ModelSpec;
  train: SetMessage;
  test: SetMessage;
}

/** Evaluate these weights (the net's tensors, one after another) on the first `limit` images of each set. */
export interface EvaluationRequest {
  weights: Float32Array;
  limit: number;
}
