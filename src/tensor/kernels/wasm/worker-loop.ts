// A gemm worker's life: instantiate the kernels over the shared memory, report ready,
// then work on each task posted in the mailbox until told to exit. Between tasks it polls
// for spinMicros, then sleeps in Atomics.wait: an idle pool uses no CPU. A task that throws,
// or a thread that ends before it is told to, is reported in the mailbox (FAILED), so the
// main thread never waits for blocks that will not come.
// Platform-free: the Node and browser worker entry files call this.

import { MAILBOX_INTS, OP, OP_EXIT, reportFailure, SEQ, waitWhileEqual, type WorkerInit } from './control.js';
import { instantiateKernels } from './exports.js';
import { workOnTask } from './tasks.js';

/** `onThreadEnd` registers a listener for the thread's end, however it comes (Node: process 'exit'). */
export async function runWorker(init: WorkerInit, ready: () => void, onThreadEnd: (listener: () => void) => void = () => {}): Promise<void> {
  const wasm = await instantiateKernels(init.module, init.memory);
  // The mailbox sits low in memory: views on today's buffer stay valid after growth.
  const buffer = init.memory.buffer;
  const ints = new Int32Array(buffer, init.mailbox, MAILBOX_INTS);
  const floats = new Float32Array(buffer, init.mailbox, MAILBOX_INTS);
  let seq = Atomics.load(ints, SEQ);
  let toldToExit = false;
  onThreadEnd(() => {
    if (!toldToExit) reportFailure(ints, init.worker);
  });
  ready();
  for (;;) {
    seq = waitWhileEqual(ints, SEQ, seq, init.spinMicros, true);
    if (Atomics.load(ints, OP) === OP_EXIT) {
      toldToExit = true;
      return;
    }
    try {
      workOnTask(wasm, ints, floats, seq, init.scratch);
    } catch (error) {
      reportFailure(ints, init.worker);
      throw error;
    }
  }
}
