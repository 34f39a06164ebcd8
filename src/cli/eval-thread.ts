// --eval-thread: where `scratchnet train` makes its evaluations. A dense net's training step
// is too small to share over threads (the reference job's takes 0.30 ms on one thread and
// 0.29 ms on two), so its second core evaluates beside training instead (background-
// evaluator.ts), and training keeps to one thread. A conv net's step shares well over the
// threads: it evaluates in between, on all of them.

import type { WasmKernels } from '../tensor/kernels/wasm/backend.js';
import { type EvaluationWorker, startEvaluationWorker } from '../train/evaluation-worker-node.js';
import type { TrainCliOptions, TrainSetup } from './train-setup.js';

export const EVAL_THREAD_CHOICES = ['auto', 'on', 'off'] as const;

/** Whether this run evaluates on a thread of its own. */
export function usesEvaluationThread(setup: TrainSetup, options: TrainCliOptions): boolean {
  const choice = options.evalThread ?? 'auto';
  const { epochs, evalEvery, evalAtStart } = setup.run.schedule;
  // Only the final evaluation: it has nothing to overlap with.
  const beforeTheEnd = epochs !== undefined ? epochs > 1 || evalAtStart === true : (evalEvery ?? 0) > 0;
  if (choice === 'off' || !beforeTheEnd) return false;
  return choice === 'on' || (options.threads >= 2 && !setup.net.spec.layers.some((layer) => layer.type === 'conv'));
}

/**
 * The run's evaluation thread; until it is closed, the training thread keeps its products to
 * itself. `shareFinal`: the final evaluation shares them over the threads again (false when the
 * charts render on the other core meanwhile).
 */
export function startEvaluationThread(setup: TrainSetup, shareFinal: boolean): EvaluationWorker {
  const worker = startEvaluationWorker(setup.net, setup.data, setup.backend);
  const restore = keepToOneThread(setup.backend);
  return {
    ...worker,
    finish: shareFinal ? restore : () => {},
    async close() {
      restore();
      await worker.close();
    },
  };
}

/** A wasm backend shares no kernel over its threads until restored (their core is taken). */
function keepToOneThread(backend: TrainSetup['backend']): () => void {
  if (backend.name !== 'wasm') return () => {};
  const wasm = backend as WasmKernels;
  const shared = wasm.shareThreads;
  wasm.shareThreads = false;
  return () => {
    wasm.shareThreads = shared;
  };
}
