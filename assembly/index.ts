// The WebAssembly kernels: GEMM and the element-wise ops of a training step, all on
// float32 data in the (imported, possibly shared) linear memory. Pointers are byte offsets.
// The JavaScript side owns the memory layout: it allocates from heapBase() upward.

export { gemm, gemmScratchBytes } from './gemm';
export { sparseAPays } from './gemm-sparse';
export {
  addBias, axpy, countCorrect, gatherRows, relu, reluBackward, softmaxCrossEntropy, softmaxCrossEntropyBackward, sumRows,
} from './elementwise';
export { gatherPixelRows } from './pixels';
export { convBackwardBlock, convBlockFloats, convForwardBlock, convPoolApplies, convReduce } from './conv';
export { maxPoolBackward, maxPoolForward } from './pool';
export { adamUpdate } from './optim';
export { batchNormBackward, batchNormForward } from './batch-norm';

/** First byte free for the JavaScript allocator (after this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
