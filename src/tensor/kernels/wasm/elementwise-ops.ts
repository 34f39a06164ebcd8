// The wasm backend's large element-wise kernels: relu, its backward and Adam's step, in
// ranges of whole vectors shared with the worker threads when the split policy finds that
// it pays (a conv net's activations and its first Affine's weights: hundreds of thousands
// of values each). Element-wise: the same bits however they are cut.

import { blockRange, OP_ADAM, OP_RELU, OP_RELU_BACKWARD } from './control.js';
import type { KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import type { GemmPool } from './pool.js';
import { runBlocksSplit, SplitPolicy } from './split-policy.js';
import { need } from './staging.js';
import type { Data } from '../../tensor.js';
import type { Kernels } from '../kernel-interface.js';

/** Ops over fewer bytes than this (all arrays counted) stay on one thread. */
export const MIN_PARALLEL_ELEMENTWISE_BYTES = 1 << 20;

export interface ElementwiseContext {
  wasm: KernelExports;
  heap: WasmHeap;
  pool: GemmPool | undefined;
  /** For arrays outside the kernels' memory, and float64. */
  js: Kernels;
  settings: { adaptiveSplit: boolean; shareThreads: boolean };
}

export type ElementwiseKernels = Pick<Kernels, 'relu' | 'reluBackward' | 'adamUpdate'>;

export function createElementwiseKernels(context: ElementwiseContext): ElementwiseKernels {
  const { wasm, heap, pool, js, settings } = context;
  const blocks = (pool?.workers ?? 0) + 1;
  const policy = new SplitPolicy();
  const at = (data: Data): number => (data instanceof Float32Array ? heap.offsetOf(data) : -1);
  // One float32 and its bits: Adam's scalars go to the workers as int32 args.
  const float = new Float32Array(1);
  const floatBits = new Int32Array(float.buffer);
  const bitsOf = (value: number): number => {
    float[0] = value;
    return floatBits[0]!;
  };

  /** Too small to split (or no threads to split over): run at once on this thread, allocating nothing (the hot path of small nets). */
  const single = (length: number, arrays: number): boolean =>
    pool === undefined || !settings.shareThreads || length * 4 * arrays < MIN_PARALLEL_ELEMENTWISE_BYTES;

  /** `pointers` then the length (and `extra` int32s) as the task's args; `one(start, end)` runs a range here. */
  const run = (op: number, pointers: number[], length: number, extra: number[], one: (start: number, end: number) => void): void => {
    const task = { work: length * 4 * pointers.length, minWork: MIN_PARALLEL_ELEMENTWISE_BYTES, op, args: [...pointers, length, ...extra], blocks };
    runBlocksSplit(pool, settings, policy, task, (block) => {
      const [start, end] = blockRange(block, blocks, length, 4);
      one(start, end);
    });
  };

  return {
    relu(x, out) {
      const px = at(x), po = at(out);
      if (px < 0 || po < 0) return js.relu(x, out);
      need('relu: out', out, x.length);
      if (single(x.length, 2)) return wasm.relu(px, po, x.length);
      run(OP_RELU, [px, po], x.length, [], (s, e) => wasm.relu(px + s * 4, po + s * 4, e - s));
    },

    reluBackward(dout, y, dx) {
      const pd = at(dout), py = at(y), px = at(dx);
      if (pd < 0 || py < 0 || px < 0) return js.reluBackward(dout, y, dx);
      need('reluBackward: y', y, dout.length);
      need('reluBackward: dx', dx, dout.length);
      if (single(dout.length, 3)) return wasm.reluBackward(pd, py, px, dout.length);
      run(OP_RELU_BACKWARD, [pd, py, px], dout.length, [], (s, e) => wasm.reluBackward(pd + s * 4, py + s * 4, px + s * 4, e - s));
    },

    adamUpdate(w, g, m, v, beta1, beta2, lrT, epsilon) {
      const pw = at(w), pg = at(g), pm = at(m), pv = at(v);
      if (pw < 0 || pg < 0 || pm < 0 || pv < 0) return js.adamUpdate(w, g, m, v, beta1, beta2, lrT, epsilon);
      need('adamUpdate: g', g, w.length);
      need('adamUpdate: m', m, w.length);
      need('adamUpdate: v', v, w.length);
      if (single(w.length, 4)) return wasm.adamUpdate(pw, pg, pm, pv, w.length, beta1, beta2, lrT, epsilon);
      const floats = [beta1, beta2, lrT, epsilon].map(bitsOf);
      run(OP_ADAM, [pw, pg, pm, pv], w.length, floats, (s, e) =>
        wasm.adamUpdate(pw + s * 4, pg + s * 4, pm + s * 4, pv + s * 4, e - s, beta1, beta2, lrT, epsilon));
    },
  };
}
