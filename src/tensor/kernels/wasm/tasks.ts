// Running the blocks of the task posted in the mailbox, on whichever thread claims them:
// row or column blocks of a GEMM, row blocks of a minibatch gather, image blocks of a
// convolution, plane blocks of a max pooling, ranges of an element-wise op.

import {
  ARGS, blockRange, BLOCKS, claimBlock, DONE, OP, OP_ADAM, OP_CONV_BACKWARD, OP_CONV_FORWARD, OP_GATHER, OP_POOL_BACKWARD, OP_POOL_FORWARD,
  OP_RELU, OP_RELU_BACKWARD, SPLIT_COLUMNS, TILE,
} from './control.js';
import type { KernelExports } from './exports.js';

/** Claims and runs blocks of task `seq` until none is left; returns how many it ran. */
export function workOnTask(wasm: KernelExports, ints: Int32Array, floats: Float32Array, seq: number, scratch: number): number {
  const g = ARGS;
  const op = ints[OP];
  const m = ints[g + 3]!;
  const n = ints[g + 4]!;
  const splitColumns = ints[SPLIT_COLUMNS] === 1;
  const tile = ints[TILE]!;
  const blocks = ints[BLOCKS]!;
  let done = 0;
  for (let block = claimBlock(ints, seq, blocks); block >= 0; block = claimBlock(ints, seq, blocks)) {
    if (op === OP_GATHER) {
      // src, rows, dst, count, rowBytes (of dst), pixels: rows [start, end) of the batch
      const [start, end] = blockRange(block, blocks, ints[g + 3]!, tile);
      const rowBytes = ints[g + 4]!;
      const rows = ints[g + 1]! + start * 4;
      const dst = ints[g + 2]! + start * rowBytes;
      if (ints[g + 5] === 1) wasm.gatherPixelRows(ints[g]!, rows, dst, end - start, rowBytes / 4);
      else wasm.gatherRows(ints[g]!, rows, dst, end - start, rowBytes);
    } else if (op === OP_CONV_FORWARD) {
      wasm.convForwardBlock(ints[g]!, block, scratch);
    } else if (op === OP_CONV_BACKWARD) {
      wasm.convBackwardBlock(ints[g]!, block, scratch);
    } else if (op === OP_POOL_FORWARD || op === OP_POOL_BACKWARD) {
      runPoolBlock(wasm, ints, op, block, blocks);
    } else if (op === OP_RELU || op === OP_RELU_BACKWARD || op === OP_ADAM) {
      runElementwiseBlock(wasm, ints, floats, op, block, blocks);
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

/**
 * Planes [start, end) of a max pooling: forward (x, out, argmax, relu, planes, H, W, K, S, P)
 * or backward (argmax, dout, dx, y, planes, …); the output's size follows from the rest.
 */
function runPoolBlock(wasm: KernelExports, ints: Int32Array, op: number, block: number, blocks: number): void {
  const g = ARGS;
  const [start, end] = blockRange(block, blocks, ints[g + 4]!, 1);
  const [H, W, K, S, P] = [ints[g + 5]!, ints[g + 6]!, ints[g + 7]!, ints[g + 8]!, ints[g + 9]!];
  const OH = Math.floor((H + 2 * P - K) / S) + 1, OW = Math.floor((W + 2 * P - K) / S) + 1;
  const [a, b, c, d] = [ints[g]!, ints[g + 1]!, ints[g + 2]!, ints[g + 3]!];
  if (op === OP_POOL_FORWARD) wasm.maxPoolForward(a, b, c, start, end, H, W, K, S, P, OH, OW, d);
  else wasm.maxPoolBackward(a, b, c, start, end, H, W, K, S, P, OH, OW, d);
}

/** Elements [start, end) (whole vectors but the last block's) of relu, its backward, or an Adam step. */
function runElementwiseBlock(wasm: KernelExports, ints: Int32Array, floats: Float32Array, op: number, block: number, blocks: number): void {
  const g = ARGS;
  const arrays = op === OP_RELU ? 2 : op === OP_RELU_BACKWARD ? 3 : 4;
  const [start, end] = blockRange(block, blocks, ints[g + arrays]!, 4);
  const at = (i: number): number => ints[g + i]! + start * 4;
  if (op === OP_RELU) wasm.relu(at(0), at(1), end - start);
  else if (op === OP_RELU_BACKWARD) wasm.reluBackward(at(0), at(1), at(2), end - start);
  else wasm.adamUpdate(at(0), at(1), at(2), at(3), end - start, floats[g + 5]!, floats[g + 6]!, floats[g + 7]!, floats[g + 8]!);
}
