// The wasm backend's convolution and max-pooling kernels: the glue between the kernel
// interface and assembly/conv.ts, assembly/pool.ts. A convolution runs in blocks of
// images, a pooling in blocks of planes, shared with the worker threads when the split
// policy finds that it pays. Backward's ∂L/∂W and ∂L/∂b are summed per block and the
// blocks' sums added in block order: the block count depends on the batch only, so the
// bits are the same on any number of threads.

import type { Data } from '../../tensor.js';
import type { ConvGeometry } from '../im2col.js';
import type { ConvShape, Kernels } from '../kernels.js';
import { blockRange, OP_CONV_BACKWARD, OP_CONV_FORWARD, OP_POOL_BACKWARD, OP_POOL_FORWARD } from './control.js';
import { CONV_DESC, type KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import type { GemmPool } from './pool.js';
import { SplitPolicy } from './split-policy.js';
import { need, Staging } from './staging.js';

/** Image blocks of a convolution (fixed, not per thread: see above). */
const CONV_BLOCKS = 8;
/** Plane blocks of a pooling split over the threads. */
const POOL_BLOCKS = 8;
/** Poolings over fewer input bytes than this stay on one thread. */
const MIN_PARALLEL_POOL_BYTES = 256 * 1024;

export interface ConvContext {
  wasm: KernelExports;
  heap: WasmHeap;
  pool: GemmPool | undefined;
  /** The main thread's gemm scratch. */
  scratch: number;
  /** For arrays outside the kernels' memory and float64. */
  js: Kernels;
  /** Byte offset of a float32 array in the kernels' memory, or −1. */
  at: (data: Data) => number;
  /** The backend's current settings. */
  settings: { minParallelFlops: number; adaptiveSplit: boolean };
}

export type ConvKernels = Pick<Kernels, 'convForward' | 'convBackward' | 'maxPoolForward' | 'maxPoolBackward'>;

export function createConvKernels(context: ConvContext): ConvKernels {
  const { wasm, heap, pool, scratch, js, at, settings } = context;
  const desc = heap.alloc(CONV_DESC.length * 4);
  const cols = new Staging(heap);
  const partials = new Staging(heap);
  const convPolicy = new SplitPolicy();
  const poolPolicy = new SplitPolicy();

  /** Runs `blocks` blocks of task `op`, split over the threads when that pays for `work`. */
  const run = (policy: SplitPolicy, work: number, minWork: number, op: number, args: readonly number[], blocks: number, one: (block: number) => void): void => {
    const mayShare = pool !== undefined && work >= minWork && blocks > 1;
    const decision = mayShare ? (settings.adaptiveSplit ? policy.decide(work) : 'split') : 'single';
    const share = decision === 'split';
    if (decision === 'single-wake') pool?.wake();
    const start = mayShare ? performance.now() : 0;
    if (share && pool) pool.runBlocks(op, args, blocks);
    else for (let block = 0; block < blocks; block++) one(block);
    if (mayShare) policy.record(work, share, (performance.now() - start) / 1000);
  };

  /** Writes the descriptor; returns the block count. */
  const describe = (shape: ConvShape, pointers: { x: number; w: number; bias: number; out: number; dx: number; dw: number }, backward: boolean): number => {
    const K = shape.channels * shape.filterHeight * shape.filterWidth;
    const positions = shape.outHeight * shape.outWidth;
    const blocks = Math.max(1, Math.min(shape.images, CONV_BLOCKS));
    const values: Record<(typeof CONV_DESC)[number], number> = {
      ...pointers,
      partials: backward ? partials.reserve(blocks * (shape.filters * K + shape.filters) * 4) : 0,
      cols: cols.reserve(blocks * K * positions * 4),
      images: shape.images, channels: shape.channels, height: shape.height, width: shape.width, filters: shape.filters,
      filterHeight: shape.filterHeight, filterWidth: shape.filterWidth, stride: shape.stride, pad: shape.pad,
      outHeight: shape.outHeight, outWidth: shape.outWidth, blocks,
    };
    const ints = new Int32Array(heap.bytes.buffer, desc, CONV_DESC.length);
    CONV_DESC.forEach((name, i) => (ints[i] = values[name]));
    return blocks;
  };

  const convFlops = (shape: ConvShape): number =>
    2 * shape.images * shape.filters * shape.channels * shape.filterHeight * shape.filterWidth * shape.outHeight * shape.outWidth;

  return {
    convForward(x, w, bias, out, shape) {
      const px = at(x), pw = at(w), pb = at(bias), po = at(out);
      if (px < 0 || pw < 0 || pb < 0 || po < 0) return js.convForward(x, w, bias, out, shape);
      checkConv(shape, x, w, out);
      need('convForward: bias', bias, shape.filters);
      const blocks = describe(shape, { x: px, w: pw, bias: pb, out: po, dx: 0, dw: 0 }, false);
      run(convPolicy, convFlops(shape), settings.minParallelFlops, OP_CONV_FORWARD, [desc], blocks, (block) => wasm.convForwardBlock(desc, block, scratch));
    },

    convBackward(x, w, dout, dw, db, dx, shape) {
      const px = at(x), pw = at(w), pd = at(dout), pdw = at(dw), pdb = at(db), pdx = dx ? at(dx) : 0;
      if (px < 0 || pw < 0 || pd < 0 || pdw < 0 || pdb < 0 || pdx < 0) return js.convBackward(x, w, dout, dw, db, dx, shape);
      checkConv(shape, x, w, dout);
      need('convBackward: dw', dw, w.length);
      need('convBackward: db', db, shape.filters);
      if (dx) need('convBackward: dx', dx, x.length);
      const blocks = describe(shape, { x: px, w: pw, bias: pdb, out: pd, dx: pdx, dw: pdw }, true);
      const work = convFlops(shape) * (dx ? 2 : 1);
      run(convPolicy, work, settings.minParallelFlops, OP_CONV_BACKWARD, [desc], blocks, (block) => wasm.convBackwardBlock(desc, block, scratch));
      wasm.convReduce(desc);
    },

    maxPoolForward(x, out, planes, g) {
      const px = at(x), po = at(out);
      if (px < 0 || po < 0 || g.filterHeight !== g.filterWidth) return js.maxPoolForward(x, out, planes, g);
      checkPool(x, out, planes, g);
      const sizes = [g.height, g.width, g.filterHeight, g.stride, g.pad, g.outHeight, g.outWidth];
      const blocks = Math.max(1, Math.min(planes, POOL_BLOCKS));
      run(poolPolicy, x.length * 4, MIN_PARALLEL_POOL_BYTES, OP_POOL_FORWARD, [px, po, planes, ...sizes], blocks, (block) => {
        const [start, end] = blockRange(block, blocks, planes, 1);
        wasm.maxPoolForward(px, po, start, end, g.height, g.width, g.filterHeight, g.stride, g.pad, g.outHeight, g.outWidth);
      });
    },

    maxPoolBackward(x, dout, dx, planes, g) {
      const px = at(x), pd = at(dout), pdx = at(dx);
      if (px < 0 || pd < 0 || pdx < 0 || g.filterHeight !== g.filterWidth) return js.maxPoolBackward(x, dout, dx, planes, g);
      checkPool(x, dout, planes, g);
      need('maxPoolBackward: dx', dx, planes * g.height * g.width);
      const sizes = [g.height, g.width, g.filterHeight, g.stride, g.pad, g.outHeight, g.outWidth];
      const blocks = Math.max(1, Math.min(planes, POOL_BLOCKS));
      run(poolPolicy, x.length * 4, MIN_PARALLEL_POOL_BYTES, OP_POOL_BACKWARD, [px, pd, pdx, planes, ...sizes], blocks, (block) => {
        const [start, end] = blockRange(block, blocks, planes, 1);
        wasm.maxPoolBackward(px, pd, pdx, start, end, g.height, g.width, g.filterHeight, g.stride, g.pad, g.outHeight, g.outWidth);
      });
    },
  };
}

function checkConv(shape: ConvShape, x: Data, w: Data, out: Data): void {
  const { images, channels, height, width, filters, filterHeight, filterWidth, outHeight, outWidth } = shape;
  need('conv: x', x, images * channels * height * width);
  need('conv: w', w, filters * channels * filterHeight * filterWidth);
  need('conv: out', out, images * filters * outHeight * outWidth);
}

function checkPool(x: Data, out: Data, planes: number, g: ConvGeometry): void {
  need('maxPool: x', x, planes * g.height * g.width);
  need('maxPool: out', out, planes * g.outHeight * g.outWidth);
}
