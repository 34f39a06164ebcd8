// The wasm backend's convolution and max-pooling kernels: the glue between the kernel
// interface and assembly/conv.ts, assembly/pool.ts (and conv-pool.ts, a convolution that
// pools as it goes, where its shapes allow; else the two kernels). A convolution runs in blocks of
// images, a pooling in blocks of planes, shared with the worker threads when the split
// policy finds that it pays. Backward's ∂L/∂W and ∂L/∂b are summed per block and the
// blocks' sums added in block order: the block count depends on the batch only, so the
// bits are the same on any number of threads.

import type { Data } from '../../tensor.js';
import type { ConvGeometry } from '../im2col.js';
import { checkPoolWindow } from '../js-pool.js';
import type { ConvShape, Kernels } from '../kernel-interface.js';
import { blockRange, OP_CONV_BACKWARD, OP_CONV_FORWARD, OP_POOL_BACKWARD, OP_POOL_FORWARD } from './control.js';
import { CONV_DESC, type KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import type { GemmPool } from './pool.js';
import { runBlocksSplit, SplitPolicy } from './split-policy.js';
import { Placement } from './placement.js';
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
  /** For float64 arrays (gradient checks). */
  js: Kernels;
  /** The backend's current settings. */
  settings: { minParallelFlops: number; adaptiveSplit: boolean; shareThreads: boolean };
}

export type ConvKernels = Pick<Kernels, 'convForward' | 'convBackward' | 'convPoolForward' | 'convPoolBackward' | 'maxPoolForward' | 'maxPoolBackward'>;

export function createConvKernels(context: ConvContext): ConvKernels {
  const { wasm, heap, pool, scratch, js, settings } = context;
  const desc = heap.alloc(CONV_DESC.length * 4);
  const cols = new Staging(heap);
  const partials = new Staging(heap);
  const place = new Placement(heap);
  const convPolicy = new SplitPolicy();
  const poolPolicy = new SplitPolicy();
  /** The convolution's output (or its gradient) when pooling and convolution are two calls (shapes the fused paths do not take). */
  let convOut: Float32Array = new Float32Array(0);
  const convOutput = (length: number): Float32Array => {
    if (convOut.length < length) convOut = heap.shared ? heap.float32Array(length) : new Float32Array(length);
    return convOut;
  };
  /** ∂L/∂out made from the pooling's gradient (convPoolBackward), a block's images at a time. */
  const dconv = new Staging(heap);

  const run = (policy: SplitPolicy, work: number, minWork: number, op: number, args: readonly number[], blocks: number, one: (block: number) => void): void =>
    runBlocksSplit(pool, settings, policy, { work, minWork, op, args, blocks }, one);

  /** Writes the descriptor; returns the block count. */
  const describe = (
    shape: ConvShape, pointers: ConvPointers, backward: boolean,
  ): number => {
    const K = shape.channels * shape.filterHeight * shape.filterWidth;
    const blocks = Math.max(1, Math.min(shape.images, CONV_BLOCKS));
    const values: Record<(typeof CONV_DESC)[number], number> = {
      ...pointers,
      argmax: pointers.argmax ?? 0,
      relu: pointers.relu ? 1 : 0,
      y: pointers.y ?? 0,
      poolSize: pointers.pool?.filterHeight ?? 0,
      poolStride: pointers.pool?.stride ?? 0,
      poolPad: pointers.pool?.pad ?? 0,
      dconv: pointers.pool ? dconv.reserve(outLength(shape) * 4) : 0,
      partials: backward ? partials.reserve(blocks * (shape.filters * K + shape.filters) * 4) : 0,
      cols: cols.reserve(blocks * blockFloats(shape) * 4),
      images: shape.images, channels: shape.channels, height: shape.height, width: shape.width, filters: shape.filters,
      filterHeight: shape.filterHeight, filterWidth: shape.filterWidth, stride: shape.stride, pad: shape.pad,
      outHeight: shape.outHeight, outWidth: shape.outWidth, blocks,
    };
    const ints = new Int32Array(heap.bytes.buffer, desc, CONV_DESC.length);
    CONV_DESC.forEach((name, i) => (ints[i] = values[name]));
    return blocks;
  };

  /** A pooling's plane blocks (on the threads when that pays), its arrays and relu flag (or y) at `pointers`. */
  const poolBlocks = (op: number, pointers: readonly [number, number, number, number], planes: number, g: ConvGeometry): void => {
    const sizes = [g.height, g.width, g.filterHeight, g.stride, g.pad] as const;
    const blocks = Math.max(1, Math.min(planes, POOL_BLOCKS));
    const kernel = op === OP_POOL_FORWARD ? wasm.maxPoolForward : wasm.maxPoolBackward;
    run(poolPolicy, planes * g.height * g.width * 4, MIN_PARALLEL_POOL_BYTES, op, [...pointers, planes, ...sizes], blocks, (block) => {
      const [start, end] = blockRange(block, blocks, planes, 1);
      kernel(pointers[0], pointers[1], pointers[2], start, end, ...sizes, g.outHeight, g.outWidth, pointers[3]);
    });
  };

  const blockFloats = (s: ConvShape): number =>
    wasm.convBlockFloats(s.channels, s.height, s.width, s.filters, s.filterHeight, s.filterWidth, s.stride, s.pad, s.outHeight, s.outWidth);

  const convFlops = (shape: ConvShape): number =>
    2 * shape.images * shape.filters * shape.channels * shape.filterHeight * shape.filterWidth * shape.outHeight * shape.outWidth;

  const ops: ConvKernels = {
    convForward(x, w, bias, out, shape) {
      if (!allFloat32(x, w, bias, out)) return js.convForward(x, w, bias, out, shape);
      checkConv(shape, x, w, out);
      need('convForward: bias', bias, shape.filters);
      const px = place.input(x, xLength(shape)), pw = place.input(w, wLength(shape)), pb = place.input(bias, shape.filters);
      const po = place.output(out, outLength(shape));
      const blocks = describe(shape, { x: px, w: pw, bias: pb, out: po, dx: 0, dw: 0 }, false);
      run(convPolicy, convFlops(shape), settings.minParallelFlops, OP_CONV_FORWARD, [desc], blocks, (block) => wasm.convForwardBlock(desc, block, scratch));
      place.finish();
    },

    convPoolForward(x, w, bias, out, argmax, shape, g, relu) {
      const pair = g.filterHeight === 2 && g.filterWidth === 2 && g.stride === 2 && g.pad === 0;
      const fused = pair && allFloat32(x, w, bias, out) && g.channels === shape.filters && g.height === shape.outHeight && g.width === shape.outWidth &&
        wasm.convPoolApplies(shape.channels, shape.height, shape.width, shape.filters, shape.filterHeight, shape.filterWidth, shape.stride, shape.pad) === 1;
      if (!fused) {
        if (!allFloat32(x, w, bias, out)) return js.convPoolForward(x, w, bias, out, argmax, shape, g, relu);
        const conv = convOutput(outLength(shape));
        ops.convForward(x, w, bias, conv, shape);
        ops.maxPoolForward(conv, out, argmax, shape.images * shape.filters, g, relu);
        return;
      }
      const pooled = shape.images * shape.filters * g.outHeight * g.outWidth;
      checkConv(shape, x, w, out, pooled);
      need('convPoolForward: bias', bias, shape.filters);
      need('convPoolForward: argmax', argmax, pooled);
      const px = place.input(x, xLength(shape)), pw = place.input(w, wLength(shape)), pb = place.input(bias, shape.filters);
      const po = place.output(out, pooled), pa = place.outputBytes(argmax, pooled);
      const blocks = describe(shape, { x: px, w: pw, bias: pb, out: po, dx: 0, dw: 0, argmax: pa, relu }, false);
      run(convPolicy, convFlops(shape), settings.minParallelFlops, OP_CONV_FORWARD, [desc], blocks, (block) => wasm.convForwardBlock(desc, block, scratch));
      place.finish();
    },

    convPoolBackward(x, w, dpool, argmax, y, dw, db, dx, shape, g) {
      const fused = g.filterHeight === g.filterWidth && allFloat32(x, w, dpool, dw, db) && (!y || allFloat32(y)) && (!dx || allFloat32(dx)) &&
        g.channels === shape.filters && g.height === shape.outHeight && g.width === shape.outWidth;
      if (!fused) {
        if (!allFloat32(x, w, dpool, dw, db) || (y && !allFloat32(y)) || (dx && !allFloat32(dx))) return js.convPoolBackward(x, w, dpool, argmax, y, dw, db, dx, shape, g);
        const dout = convOutput(outLength(shape));
        ops.maxPoolBackward(argmax, dpool, dout, shape.images * shape.filters, g, y);
        ops.convBackward(x, w, dout, dw, db, dx, shape);
        return;
      }
      const pooled = shape.images * shape.filters * g.outHeight * g.outWidth;
      checkConv(shape, x, w, dpool, pooled);
      checkPoolWindow(g);
      need('convPoolBackward: argmax', argmax, pooled);
      if (y) need('convPoolBackward: y', y, pooled);
      need('convPoolBackward: dw', dw, wLength(shape));
      need('convPoolBackward: db', db, shape.filters);
      if (dx) need('convPoolBackward: dx', dx, xLength(shape));
      const px = place.input(x, xLength(shape)), pw = place.input(w, wLength(shape)), pd = place.input(dpool, pooled);
      const pa = place.inputBytes(argmax, pooled), py = y ? place.input(y, pooled) : 0;
      const pdw = place.output(dw, wLength(shape)), pdb = place.output(db, shape.filters), pdx = dx ? place.output(dx, xLength(shape)) : 0;
      const blocks = describe(shape, { x: px, w: pw, bias: pdb, out: pd, dx: pdx, dw: pdw, argmax: pa, y: py, pool: g }, true);
      const work = convFlops(shape) * (dx ? 2 : 1);
      run(convPolicy, work, settings.minParallelFlops, OP_CONV_BACKWARD, [desc], blocks, (block) => wasm.convBackwardBlock(desc, block, scratch));
      wasm.convReduce(desc);
      place.finish();
    },

    convBackward(x, w, dout, dw, db, dx, shape) {
      if (!allFloat32(x, w, dout, dw, db) || (dx && !allFloat32(dx))) return js.convBackward(x, w, dout, dw, db, dx, shape);
      checkConv(shape, x, w, dout);
      need('convBackward: dw', dw, wLength(shape));
      need('convBackward: db', db, shape.filters);
      if (dx) need('convBackward: dx', dx, xLength(shape));
      const px = place.input(x, xLength(shape)), pw = place.input(w, wLength(shape)), pd = place.input(dout, outLength(shape));
      const pdw = place.output(dw, wLength(shape)), pdb = place.output(db, shape.filters), pdx = dx ? place.output(dx, xLength(shape)) : 0;
      const blocks = describe(shape, { x: px, w: pw, bias: pdb, out: pd, dx: pdx, dw: pdw }, true);
      const work = convFlops(shape) * (dx ? 2 : 1);
      run(convPolicy, work, settings.minParallelFlops, OP_CONV_BACKWARD, [desc], blocks, (block) => wasm.convBackwardBlock(desc, block, scratch));
      wasm.convReduce(desc);
      place.finish();
    },

    maxPoolForward(x, out, argmax, planes, g, relu = false) {
      if (!allFloat32(x, out) || g.filterHeight !== g.filterWidth) return js.maxPoolForward(x, out, argmax, planes, g, relu);
      checkPool(x, out, argmax, planes, g);
      const px = place.input(x, planes * g.height * g.width), po = place.output(out, planes * g.outHeight * g.outWidth);
      const pa = place.outputBytes(argmax, planes * g.outHeight * g.outWidth);
      poolBlocks(OP_POOL_FORWARD, [px, po, pa, relu ? 1 : 0], planes, g);
      place.finish();
    },

    maxPoolBackward(argmax, dout, dx, planes, g, y) {
      if (!allFloat32(dout, dx) || (y && !allFloat32(y)) || g.filterHeight !== g.filterWidth) return js.maxPoolBackward(argmax, dout, dx, planes, g, y);
      checkPool(dx, dout, argmax, planes, g);
      const outputs = planes * g.outHeight * g.outWidth;
      if (y) need('maxPoolBackward: y', y, outputs);
      const pa = place.inputBytes(argmax, outputs), pd = place.input(dout, outputs), py = y ? place.input(y, outputs) : 0;
      const pdx = place.output(dx, planes * g.height * g.width);
      poolBlocks(OP_POOL_BACKWARD, [pa, pd, pdx, py], planes, g);
      place.finish();
    },
  };
  return ops;
}

function allFloat32(...arrays: Data[]): boolean {
  return arrays.every((a) => a instanceof Float32Array);
}

const xLength = (s: ConvShape): number => s.images * s.channels * s.height * s.width;
const wLength = (s: ConvShape): number => s.filters * s.channels * s.filterHeight * s.filterWidth;
const outLength = (s: ConvShape): number => s.images * s.filters * s.outHeight * s.outWidth;

/** out holds `outputs` values: the convolution's output, or the pooling's after it. */
function checkConv(shape: ConvShape, x: Data, w: Data, out: Data, outputs = outLength(shape)): void {
  const { images, channels, height, width, filters, filterHeight, filterWidth } = shape;
  need('conv: x', x, images * channels * height * width);
  need('conv: w', w, filters * channels * filterHeight * filterWidth);
  need('conv: out', out, outputs);
}

interface ConvPointers {
  x: number;
  w: number;
  bias: number;
  out: number;
  dx: number;
  dw: number;
  /** A pooling fused after the convolution: its argmax, Relu (forward), Relu's output (backward), geometry (backward). */
  argmax?: number;
  relu?: boolean;
  y?: number;
  pool?: ConvGeometry;
}

/** x and dx hold planes of H×W, out and dout of OH×OW, argmax one byte per output. */
function checkPool(x: Data, out: Data, argmax: Uint8Array, planes: number, g: ConvGeometry): void {
  need('maxPool: x', x, planes * g.height * g.width);
  need('maxPool: out', out, planes * g.outHeight * g.outWidth);
  need('maxPool: argmax', argmax, planes * g.outHeight * g.outWidth);
  checkPoolWindow(g);
}
