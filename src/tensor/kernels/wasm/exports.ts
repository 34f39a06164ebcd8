// The compiled kernels' exports (assembly/index.ts), typed. Pointers are byte offsets
// into the imported memory; flags are 0/1; labelBytes is 1 (uint8) or 4 (int32).

export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  /** 1 when op(A)·B should skip A's zeros (B not transposed, A sampled mostly zeros). */
  sparseAPays(a: number, m: number, n: number, k: number, transA: number, transB: number, maxDensity: number): number;
  gemm(
    a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number,
    alpha: number, beta: number, i0: number, i1: number, j0: number, j1: number, scratch: number,
    /** 1: take the sparse path (falls back to dense where the scratch cannot hold A's nonzeros). */
    sparse: number,
  ): void;
  addBias(x: number, bias: number, out: number, rows: number, cols: number): void;
  sumRows(x: number, out: number, rows: number, cols: number): void;
  relu(x: number, out: number, length: number): void;
  reluBackward(dout: number, y: number, dx: number, length: number): void;
  softmaxCrossEntropy(logits: number, labels: number, labelBytes: number, probs: number, rows: number, cols: number): number;
  softmaxCrossEntropyBackward(probs: number, labels: number, labelBytes: number, dx: number, rows: number, cols: number, scale: number): void;
  axpy(alpha: number, x: number, y: number, length: number): void;
  countCorrect(scores: number, labels: number, labelBytes: number, rows: number, cols: number): number;
  gatherRows(src: number, rows: number, dst: number, count: number, rowBytes: number): void;
  /** Rows of `width` bytes (pixels) out as rows of `width` floats, byte / 255. */
  gatherPixelRows(src: number, rows: number, dst: number, count: number, width: number): void;
  /** Images of block `block` (desc: see assembly/conv.ts and CONV_DESC below). */
  convForwardBlock(desc: number, block: number, scratch: number): void;
  convBackwardBlock(desc: number, block: number, scratch: number): void;
  convReduce(desc: number): void;
  /** 1 when convForwardBlock can pool 2×2 stride 2 as it goes (the descriptor's argmax ≠ 0) on these shapes. */
  convPoolApplies(C: number, H: number, W: number, FN: number, FH: number, FW: number, S: number, P: number): number;
  /** Floats of scratch one block of images needs (im2col, or Winograd's). */
  convBlockFloats(C: number, H: number, W: number, FN: number, FH: number, FW: number, S: number, P: number, OH: number, OW: number): number;
  /** relu: 1 when a Relu follows, fused (out = max(0, the window's max)). */
  maxPoolForward(
    x: number, out: number, argmax: number, plane0: number, plane1: number, H: number, W: number, K: number, S: number, P: number, OH: number, OW: number, relu: number,
  ): void;
  /** y: the fused Relu's output (dout masked by y > 0), or 0. */
  maxPoolBackward(
    argmax: number, dout: number, dx: number, plane0: number, plane1: number, H: number, W: number, K: number, S: number, P: number, OH: number, OW: number, y: number,
  ): void;
  /** Batch normalization (assembly/batch-norm.ts): stats 1 computes mean, invStd and variance (float64 vectors), 0 reads mean and invStd. */
  batchNormForward(
    x: number, xn: number, out: number, gamma: number, beta: number, mean: number, invStd: number, variance: number,
    N: number, C: number, S: number, epsilon: number, stats: number,
  ): void;
  batchNormBackward(
    dout: number, xn: number, dx: number, gamma: number, invStd: number, dgamma: number, dbeta: number, N: number, C: number, S: number, training: number,
  ): void;
  adamUpdate(w: number, g: number, m: number, v: number, length: number, beta1: number, beta2: number, lrT: number, epsilon: number): void;
}

/** The int32 fields of a convolution descriptor, in assembly/conv.ts's order. */
export const CONV_DESC = [
  'x', 'w', 'bias', 'out', 'dx', 'dw', 'partials', 'cols', 'images', 'channels', 'height', 'width', 'filters',
  'filterHeight', 'filterWidth', 'stride', 'pad', 'outHeight', 'outWidth', 'blocks', 'argmax', 'relu', 'y',
  'poolSize', 'poolStride', 'poolPad', 'dconv',
] as const;

export async function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
