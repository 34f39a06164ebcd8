// The WebAssembly backend: every kernel runs in the compiled module on float32 data in its
// memory. Arrays that already live there (see WasmHeap.float32Array) are used in place;
// others are copied in (and C out) for a GEMM, where the copy is small next to the
// product, while the element-wise ops on such arrays stay in JavaScript, where a copy
// would cost as much as the op. float64 calls (gradient checks) go to the portable kernels.

import type { Data } from '../../tensor.js';
import { createJsKernels } from '../js.js';
import { gemmJs } from '../js-gemm.js';
import { SPARSE_MAX_DENSITY } from '../js-sparse.js';
import type { GemmOptions, Kernels, LabelIndices } from '../kernel-interface.js';
import { MAX_BLOCKS } from './control.js';
import type { KernelExports } from './exports.js';
import type { WasmHeap } from './heap.js';
import type { GemmArgs, GemmPool, Split } from './pool.js';
import { createConvKernels } from './conv-ops.js';
import { createBatchNormKernels } from './batch-norm-ops.js';
import { createElementwiseKernels } from './elementwise-ops.js';
import { SplitPolicy } from './split-policy.js';
import { need, Staging } from './staging.js';

export type WasmVariant = 'relaxed-simd' | 'simd';

export interface WasmKernels extends Kernels {
  readonly variant: WasmVariant;
  /** Threads a large GEMM is split over (this one included). */
  readonly threads: number;
  /** e.g. "wasm relaxed-simd, 2 threads" */
  readonly description: string;
  readonly heap: WasmHeap;
  /** A zeroed float32 array in the kernels' memory (used in place); only when that memory is shared. */
  readonly float32Array: ((length: number) => Float32Array) | undefined;
  /** Products of at least this many flops (2·m·n·k) may be split over the threads. */
  minParallelFlops: number;
  /** Minibatch gathers of at least this many bytes may be split over the threads. */
  minParallelGatherBytes: number;
  /** Split only when timings show it pays (default); false: always split what may be split. */
  adaptiveSplit: boolean;
  /** False: every kernel runs on this thread alone (the workers' cores are taken by other work). */
  shareThreads: boolean;
  /** With sparseInputs, skip A's zeros when at most this fraction of a sample of A is nonzero. */
  sparseMaxDensity: number;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

/** Below this many flops a GEMM stays on one thread: a wake-up costs more than it saves. */
export const DEFAULT_MIN_PARALLEL_FLOPS = 4e6;

/** Gathers below this many bytes stay on one thread. */
export const DEFAULT_MIN_PARALLEL_GATHER_BYTES = 64 * 1024;

/**
 * Products of at least this many flops are cut into 4 blocks per thread, so none is left
 * holding a big one; smaller tasks into one block per thread (measured: finer cuts of a
 * training step's products cost more than they balance).
 */
const FINE_SPLIT_FLOPS = 1e8;

/** `scratch`: this thread's gemm scratch (wasm.gemmScratchBytes() bytes). */
export function createWasmKernels(
  wasm: KernelExports, heap: WasmHeap, variant: WasmVariant, scratch: number, pool: GemmPool | undefined,
): WasmKernels {
  const js = createJsKernels();
  const stageA = new Staging(heap);
  const stageB = new Staging(heap);
  const stageC = new Staging(heap);
  const stageLabels = new Staging(heap);
  const stageRows = new Staging(heap);
  const threads = (pool?.workers ?? 0) + 1;
  const policy = new SplitPolicy();
  const gatherPolicy = new SplitPolicy();

  /** Byte offset of a float32 array in the kernels' memory, or −1 (float64, or elsewhere). */
  const at = (data: Data): number => (data instanceof Float32Array ? heap.offsetOf(data) : -1);

  /** Byte offset of `data`'s first `length` floats in memory, copying them in when needed. */
  const input = (data: Float32Array, length: number, stage: Staging): number => {
    const offset = heap.offsetOf(data);
    if (offset >= 0) return offset;
    const staged = stage.reserve(length * 4);
    heap.float32.set(data.length === length ? data : data.subarray(0, length), staged / 4);
    return staged;
  };

  const labelsAt = (labels: LabelIndices, rows: number): number => {
    const offset = heap.offsetOf(labels);
    if (offset >= 0) return offset;
    const bytes = rows * labels.BYTES_PER_ELEMENT;
    const staged = stageLabels.reserve(bytes);
    heap.bytes.set(new Uint8Array(labels.buffer, labels.byteOffset, bytes), staged);
    return staged;
  };

  const runGemm = (args: GemmArgs): void => {
    const { a, b, c, m, n, k, transA, transB, alpha, beta, sparse } = args;
    const flops = 2 * m * n * k;
    const mayShare = pool !== undefined && settings.shareThreads && flops >= backend.minParallelFlops;
    const decision = mayShare ? (backend.adaptiveSplit ? policy.decide(flops) : 'split') : 'single';
    const share = decision === 'split';
    if (decision === 'single-wake') pool?.wake();
    const start = mayShare ? performance.now() : 0;
    if (share && pool) pool.run(args, splitGemm(m, n, (flops >= FINE_SPLIT_FLOPS ? 4 : 1) * threads));
    else wasm.gemm(a, b, c, m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta, 0, m, 0, n, scratch, sparse ? 1 : 0);
    if (mayShare) policy.record(flops, share, (performance.now() - start) / 1000);
  };

  /**
   * dst[b, :] = src[rows[b], :] (`pixels`: bytes in, byte / 255 out), rows of `width` values;
   * src at byte offset ps holds `limit` rows, dst (at pd) is float32.
   */
  const gather = (ps: number, limit: number, rows: Int32Array, pd: number, dst: Data, width: number, pixels: boolean): void => {
    const count = rows.length;
    need(pixels ? 'gatherPixelRows: dst' : 'gatherRows: dst', dst, count * width);
    // NOTE: checked here, not in wasm: an index past the end would copy someone else's memory.
    for (let b = 0; b < count; b++) {
      const row = rows[b]!;
      if (!(row >= 0 && row < limit)) throw new Error(`${pixels ? 'gatherPixelRows' : 'gatherRows'}: row ${row} is outside 0..${Math.floor(limit) - 1}`);
    }
    const pr = stageRows.reserve(count * 4);
    heap.bytes.set(new Uint8Array(rows.buffer, rows.byteOffset, count * 4), pr);
    // Reading rows scattered over a large dataset waits on memory: two threads keep
    // twice as many reads in flight.
    const bytes = count * width * 4;
    const mayShare = pool !== undefined && settings.shareThreads && bytes >= backend.minParallelGatherBytes;
    const decision = mayShare ? (backend.adaptiveSplit ? gatherPolicy.decide(bytes) : 'split') : 'single';
    const share = decision === 'split';
    if (decision === 'single-wake') pool?.wake();
    const start = mayShare ? performance.now() : 0;
    if (share && pool) pool.gather(ps, pr, pd, count, width * 4, threads, pixels);
    else if (pixels) wasm.gatherPixelRows(ps, pr, pd, count, width);
    else wasm.gatherRows(ps, pr, pd, count, width * 4);
    if (mayShare) gatherPolicy.record(bytes, share, (performance.now() - start) / 1000);
  };

  const settings = { minParallelFlops: DEFAULT_MIN_PARALLEL_FLOPS, adaptiveSplit: true, shareThreads: true };
  const conv = createConvKernels({ wasm, heap, pool, scratch, js, settings });
  const elementwise = createElementwiseKernels({ wasm, heap, pool, js, settings });
  const batchNorm = createBatchNormKernels(wasm, heap, js);

  const backend: WasmKernels = {
    name: 'wasm',
    variant,
    threads,
    description: `wasm ${variant}, ${threads} thread${threads === 1 ? '' : 's'}`,
    heap,
    float32Array: heap.shared ? (length) => heap.float32Array(length) : undefined,
    get minParallelFlops() {
      return settings.minParallelFlops;
    },
    set minParallelFlops(flops: number) {
      settings.minParallelFlops = flops;
    },
    minParallelGatherBytes: DEFAULT_MIN_PARALLEL_GATHER_BYTES,
    get adaptiveSplit() {
      return settings.adaptiveSplit;
    },
    set adaptiveSplit(adaptive: boolean) {
      settings.adaptiveSplit = adaptive;
    },
    get shareThreads() {
      return settings.shareThreads;
    },
    set shareThreads(share: boolean) {
      settings.shareThreads = share;
    },
    sparseInputs: true,
    sparseMaxDensity: SPARSE_MAX_DENSITY,

    gemm(a, b, c, m, n, k, options: GemmOptions = {}) {
      if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
        gemmJs(a, b, c, m, n, k, options, backend.sparseInputs);
        return;
      }
      const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
      need('gemm: A', a, m * k);
      need('gemm: B', b, k * n);
      need('gemm: C', c, m * n);
      const pa = input(a, m * k, stageA);
      const pb = input(b, k * n, stageB);
      // One choice per product, so that its blocks on different threads agree.
      const sparse = backend.sparseInputs && wasm.sparseAPays(pa, m, n, k, transA ? 1 : 0, transB ? 1 : 0, backend.sparseMaxDensity) === 1;
      let pc = heap.offsetOf(c);
      if (pc >= 0) {
        runGemm({ a: pa, b: pb, c: pc, m, n, k, transA, transB, alpha, beta, sparse });
        return;
      }
      pc = beta === 0 ? stageC.reserve(m * n * 4) : input(c, m * n, stageC);
      runGemm({ a: pa, b: pb, c: pc, m, n, k, transA, transB, alpha, beta, sparse });
      c.set(heap.float32.subarray(pc / 4, pc / 4 + m * n));
    },

    addBias(x, bias, out, rows, cols) {
      const px = at(x), pb = at(bias), po = at(out);
      if (px < 0 || pb < 0 || po < 0) return js.addBias(x, bias, out, rows, cols);
      need('addBias: x', x, rows * cols);
      need('addBias: bias', bias, cols);
      need('addBias: out', out, rows * cols);
      wasm.addBias(px, pb, po, rows, cols);
    },

    sumRows(x, out, rows, cols) {
      const px = at(x), po = at(out);
      if (px < 0 || po < 0) return js.sumRows(x, out, rows, cols);
      need('sumRows: x', x, rows * cols);
      need('sumRows: out', out, cols);
      wasm.sumRows(px, po, rows, cols);
    },

    softmaxCrossEntropy(logits, labels, probs, rows, cols) {
      const pl = at(logits), pp = at(probs);
      if (pl < 0 || pp < 0) return js.softmaxCrossEntropy(logits, labels, probs, rows, cols);
      need('softmaxCrossEntropy: logits', logits, rows * cols);
      need('softmaxCrossEntropy: probs', probs, rows * cols);
      need('softmaxCrossEntropy: labels', labels, rows);
      return wasm.softmaxCrossEntropy(pl, labelsAt(labels, rows), labels.BYTES_PER_ELEMENT, pp, rows, cols);
    },

    softmaxCrossEntropyBackward(probs, labels, dx, rows, cols, scale) {
      const pp = at(probs), pd = at(dx);
      if (pp < 0 || pd < 0) return js.softmaxCrossEntropyBackward(probs, labels, dx, rows, cols, scale);
      need('softmaxCrossEntropyBackward: probs', probs, rows * cols);
      need('softmaxCrossEntropyBackward: dx', dx, rows * cols);
      need('softmaxCrossEntropyBackward: labels', labels, rows);
      wasm.softmaxCrossEntropyBackward(pp, labelsAt(labels, rows), labels.BYTES_PER_ELEMENT, pd, rows, cols, scale);
    },

    axpy(alpha, x, y) {
      const px = at(x), py = at(y);
      if (px < 0 || py < 0) return js.axpy(alpha, x, y);
      need('axpy: y', y, x.length);
      wasm.axpy(alpha, px, py, x.length);
    },

    countCorrect(scores, labels, rows, cols) {
      const ps = at(scores);
      if (ps < 0) return js.countCorrect(scores, labels, rows, cols);
      need('countCorrect: scores', scores, rows * cols);
      need('countCorrect: labels', labels, rows);
      return wasm.countCorrect(ps, labelsAt(labels, rows), labels.BYTES_PER_ELEMENT, rows, cols);
    },

    gatherRows(src, rows, dst, width) {
      const ps = at(src), pd = at(dst);
      if (ps < 0 || pd < 0 || !Number.isInteger(width)) return js.gatherRows(src, rows, dst, width);
      gather(ps, src.length / width, rows, pd, dst, width, false);
    },

    gatherPixelRows(src, rows, dst, width) {
      const ps = heap.offsetOf(src), pd = at(dst);
      if (ps < 0 || pd < 0 || !Number.isInteger(width)) return js.gatherPixelRows(src, rows, dst, width);
      gather(ps, src.length / width, rows, pd, dst, width, true);
    },

    ...conv,
    ...elementwise,
    ...batchNorm,

    async close() {
      await pool?.close();
    },
  };
  return backend;
}

/**
 * Cuts C into `parts` blocks (fewer if it has fewer tiles): row ranges (whole 4-row
 * tiles) when C is at least as tall as wide, else column ranges (whole 8-column panels).
 * Every block packs the whole of the operand the cut does not divide, so the cut divides
 * the larger one.
 */
export function splitGemm(m: number, n: number, parts: number): Split {
  const columns = m < n;
  const tile = columns ? 8 : 4;
  const tiles = Math.ceil((columns ? n : m) / tile);
  return { columns, tile, blocks: Math.max(1, Math.min(parts, tiles, MAX_BLOCKS)) };
}
