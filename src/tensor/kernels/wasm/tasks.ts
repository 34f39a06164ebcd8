// Running the blocks of the task posted in the mailbox, on whichever thread claims them:
// row or column blocks of a GEMM, or row blocks of a minibatch gather.

import { ARGS, blockRange, BLOCKS, claimBlock, DONE, OP, OP_GATHER, SPLIT_COLUMNS, TILE } from './control.js';
import type { KernelExports } from './exports.js';

/** Claims and runs blocks of task `seq` until none is left; returns how many it ran. */
export function workOnTask(wasm: KernelExports, ints: Int32Array, floats: Float32Array, seq: number, scratch: number): number {
  const g = ARGS;
  const gather = ints[OP] === OP_GATHER;
  const m = ints[g + 3]!;
  const n = ints[g + 4]!;
  const splitColumns = ints[SPLIT_COLUMNS] === 1;
  const tile = ints[TILE]!;
  const blocks = ints[BLOCKS]!;
  let done = 0;
  for (let block = claimBlock(ints, seq, blocks); block >= 0; block = claimBlock(ints, seq, blocks)) {
    if (gather) {
      // src, rows, dst, count, rowBytes: rows [start, end) of the batch
      const [start, end] = blockRange(block, blocks, ints[g + 3]!, tile);
      const rowBytes = ints[g + 4]!;
      wasm.gatherRows(ints[g]!, ints[g + 1]! + start * 4, ints[g + 2]! + start * rowBytes, end - start, rowBytes);
    } else {
      const [start, end] = blockRange(block, blocks, splitColumns ? n : m, tile);
      wasm.gemm(
        ints[g]!, ints[g + 1]!, ints[g + 2]!, m, n, ints[g + 5]!, ints[g + 6]!, ints[g + 7]!, floats[g + 8]!, floats[g + 9]!,
        splitColumns ? 0 : start, splitColumns ? m : end, splitColumns ? start : 0, splitColumns ? end : n, scratch, ints[g + 10]!,
      );
    }
    Atomics.add(ints, DONE, 1);
    Atomics.notify(ints, DONE);
    done++;
  }
  return done;
}
