// The wasm backend's batch normalization (assembly/batch-norm.ts), on one thread: a pass is
// a stream through memory that one core already keeps near its bandwidth. The per-channel
// float64 statistics are copied into and out of the kernels' memory (a few values); the
// float32 arrays are used in place, or copied when they live elsewhere (Placement).

import type { Data } from '../../tensor.js';
import type { Kernels } from '../kernel-interface.js';
import type { KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import { Placement } from './placement.js';
import { need, Staging } from './staging.js';

export type BatchNormKernels = Pick<Kernels, 'batchNormForward' | 'batchNormBackward'>;

export function createBatchNormKernels(wasm: KernelExports, heap: WasmHeap, js: Kernels): BatchNormKernels {
  const place = new Placement(heap);
  const stats = new Staging(heap);
  const float32 = (...arrays: Data[]): boolean => arrays.every((a) => a instanceof Float32Array);

  /** Three float64 vectors of C values in the kernels' memory: their byte offsets. */
  const statsFor = (C: number): [number, number, number] => {
    const at = stats.reserve(3 * C * 8);
    return [at, at + C * 8, at + 2 * C * 8];
  };
  const f64 = (offset: number, C: number): Float64Array => new Float64Array(heap.bytes.buffer, offset, C);

  return {
    batchNormForward(x, xn, out, gamma, beta, mean, invStd, variance, N, C, S, epsilon) {
      if (!float32(x, xn, out, gamma, beta)) return js.batchNormForward(x, xn, out, gamma, beta, mean, invStd, variance, N, C, S, epsilon);
      const length = N * C * S;
      need('batchNorm: x', x, length);
      need('batchNorm: xn', xn, length);
      need('batchNorm: out', out, length);
      need('batchNorm: gamma', gamma, C);
      need('batchNorm: beta', beta, C);
      need('batchNorm: mean', mean, C);
      need('batchNorm: invStd', invStd, C);
      if (variance) need('batchNorm: variance', variance, C);
      const [pm, ps, pv] = statsFor(C);
      if (!variance) {
        f64(pm, C).set(mean.subarray(0, C));
        f64(ps, C).set(invStd.subarray(0, C));
      }
      const px = place.input(x, length), pg = place.input(gamma, C), pb = place.input(beta, C);
      const pxn = place.output(xn, length), po = place.output(out, length);
      wasm.batchNormForward(px, pxn, po, pg, pb, pm, ps, pv, N, C, S, epsilon, variance ? 1 : 0);
      place.finish();
      if (variance) {
        mean.set(f64(pm, C));
        invStd.set(f64(ps, C));
        variance.set(f64(pv, C));
      }
    },

    batchNormBackward(dout, xn, dx, gamma, invStd, dgamma, dbeta, N, C, S, training) {
      if (!float32(dout, xn, dx, gamma, dgamma, dbeta)) return js.batchNormBackward(dout, xn, dx, gamma, invStd, dgamma, dbeta, N, C, S, training);
      const length = N * C * S;
      need('batchNormBackward: dout', dout, length);
      need('batchNormBackward: xn', xn, length);
      need('batchNormBackward: dx', dx, length);
      need('batchNormBackward: gamma', gamma, C);
      need('batchNormBackward: invStd', invStd, C);
      need('batchNormBackward: dgamma', dgamma, C);
      need('batchNormBackward: dbeta', dbeta, C);
      const [ps] = statsFor(C);
      f64(ps, C).set(invStd.subarray(0, C));
      const pd = place.input(dout, length), pxn = place.input(xn, length), pg = place.input(gamma, C);
      const pdx = place.output(dx, length), pdg = place.output(dgamma, C), pdb = place.output(dbeta, C);
      wasm.batchNormBackward(pd, pxn, pdx, pg, ps, pdg, pdb, N, C, S, training ? 1 : 0);
      place.finish();
    },
  };
}
