// The wasm backend's convolution and max-pooling kernels: the glue between the kernel
// interface and assembly/conv.ts, assembly/pool.ts. A convolution runs in blocks of
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

export type ConvKernels = Pick<Kernels, 'convForward' | 'convBackward' | 'maxPoolForward' | 'maxPoolBackward'>;

export function createConvKernels(context: ConvContext): ConvKernels {
  const { wasm, heap, pool, scratch, js, settings } = context;
  const desc = heap.alloc(CONV_DESC.length * 4);
  const cols = new Staging(heap);
  const partials = new Staging(heap);
  const place = new Placement(heap);
  const convPolicy = new SplitPolicy();
  const poolPolicy = new SplitPolicy();

  const run = (policy: SplitPolicy, work: number, minWork: number, op: number, args: readonly number[], blocks: number, one: (block: number) => void): void =>
    runBlocksSplit(pool, settings, policy, { work, minWork, op, args, blocks }, one);

  /** Writes the descriptor; returns the block count. */
  const describe = (shape: ConvShape, pointers: { x: number; w: number; bias: number; out: number; dx: number; dw: number }, backward: boolean): number => {
    const K = shape.channels * shape.filterHeight * shape.filterWidth;
    const blocks = Math.max(1, Math.min(shape.images, CONV_BLOCKS));
    const values: Record<(typeof CONV_DESC)[number], number> = {
      ...pointers,
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

  /** A pooling's plane blocks (on the threads when that pays), its three arrays at `pointers`. */
  const poolBlocks = (op: number, pointers: readonly number[], planes: number, g: ConvGeometry, kernel: KernelExports['maxPoolForward']): void => {
    const sizes = [g.height, g.width, g.filterHeight, g.stride, g.pad, g.outHeight, g.outWidth] as const;
    const blocks = Math.max(1, Math.min(planes, POOL_BLOCKS));
    const [p0, p1, p2] = pointers as [number, number, number];
    run(poolPolicy, planes * g.height * g.width * 4, MIN_PARALLEL_POOL_BYTES, op, [...pointers, planes, ...sizes], blocks, (block) => {
      const [start, end] = blockRange(block, blocks, planes, 1);
      kernel(p0, p1, p2, start, end, ...sizes);
    });
  };

  const blockFloats = (s: ConvShape): number =>
    wasm.convBlockFloats(s.channels, s.height, s.width, s.filters, s.filterHeight, s.filterWidth, s.stride, s.pad, s.outHeight, s.outWidth);

  const convFlops = (shape: ConvShape): number =>
    2 * shape.images * shape.filters * shape.channels * shape.filterHeight * shape.filterWidth * shape.outHeight * shape.outWidth;

  return {
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

    maxPoolForward(x, out, argmax, planes, g) {
      if (!allFloat32(x, out) || g.filterHeight !== g.filterWidth) return js.maxPoolForward(x, out, argmax, planes, g);
      checkPool(x, out, argmax, planes, g);
      const px = place.input(x, planes * g.height * g.width), po = place.output(out, planes * g.outHeight * g.outWidth);
      const pa = place.outputBytes(argmax, planes * g.outHeight * g.outWidth);
      poolBlocks(OP_POOL_FORWARD, [px, po, pa], planes, g, wasm.maxPoolForward);
      place.finish();
    },

    maxPoolBackward(argmax, dout, dx, planes, g) {
      if (!allFloat32(dout, dx) || g.filterHeight !== g.filterWidth) return js.maxPoolBackward(argmax, dout, dx, planes, g);
      checkPool(dx, dout, argmax, planes, g);
      const pa = place.inputBytes(argmax, planes * g.outHeight * g.outWidth), pd = place.input(dout, planes * g.outHeight * g.outWidth);
      const pdx = place.output(dx, planes * g.height * g.width);
      poolBlocks(OP_POOL_BACKWARD, [pa, pd, pdx], planes, g, wasm.maxPoolBackward);
      place.finish();
    },
  };
}

function allFloat32(...arrays: Data[]): boolean {
  return arrays.every((a) => a instanceof Float32Array);
}

const xLength = (s: ConvShape): number => s.images * s.channels * s.height * s.width;
const wLength = (s: ConvShape): number => s.filters * s.channels * s.filterHeight * s.filterWidth;
const outLength = (s: ConvShape): number => s.images * s.filters * s.outHeight * s.outWidth;

/**
 * Where a kernel's float32 arrays are in the kernels' memory: in place when they live
 * there, else copies in staging blocks (outputs copied back by finish()). Copies happen
 * when memory is not shared (a page that is not cross-origin isolated): the copy is small
 * next to a convolution.
 */
class Placement {
  private readonly stages: Staging[] = [];
  private used = 0;
  /** Staged outputs, as bytes: where they go, and where they are staged. */
  private readonly outputs: { bytes: Uint8Array; offset: number }[] = [];

  constructor(private readonly heap: WasmHeap) {}

  /** `data` is float32 (the callers check: allFloat32). */
  input(data: Data, length: number): number {
    return this.inputBytes(bytesOf(data, length * 4), length * 4);
  }

  output(data: Data, length: number): number {
    return this.outputBytes(bytesOf(data, length * 4), length * 4);
  }

  inputBytes(data: Uint8Array, length: number): number {
    const offset = this.heap.offsetOf(data);
    if (offset >= 0) return offset;
    const staged = this.stage(length);
    this.heap.bytes.set(data.subarray(0, length), staged);
    return staged;
  }

  outputBytes(data: Uint8Array, length: number): number {
    const offset = this.heap.offsetOf(data);
    if (offset >= 0) return offset;
    const staged = this.stage(length);
    this.outputs.push({ bytes: data.subarray(0, length), offset: staged });
    return staged;
  }

  /** Copies staged outputs back; the staging blocks are free for the next kernel. */
  finish(): void {
    for (const { bytes, offset } of this.outputs) bytes.set(this.heap.bytes.subarray(offset, offset + bytes.length));
    this.outputs.length = 0;
    this.used = 0;
  }

  private stage(bytes: number): number {
    const stage = (this.stages[this.used++] ??= new Staging(this.heap));
    return stage.reserve(bytes);
  }
}

/** The first `bytes` bytes of a float32 array (the callers check: allFloat32). */
function bytesOf(data: Data, bytes: number): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, bytes);
}

function checkConv(shape: ConvShape, x: Data, w: Data, out: Data): void {
  const { images, channels, height, width, filters, filterHeight, filterWidth, outHeight, outWidth } = shape;
  need('conv: x', x, images * channels * height * width);
  need('conv: w', w, filters * channels * filterHeight * filterWidth);
  need('conv: out', out, images * filters * outHeight * outWidth);
}

/** x and dx hold planes of H×W, out and dout of OH×OW, argmax one byte per output. */
function checkPool(x: Data, out: Data, argmax: Uint8Array, planes: number, g: ConvGeometry): void {
  need('maxPool: x', x, planes * g.height * g.width);
  need('maxPool: out', out, planes * g.outHeight * g.outWidth);
  need('maxPool: argmax', argmax, planes * g.outHeight * g.outWidth);
  checkPoolWindow(g);
}
