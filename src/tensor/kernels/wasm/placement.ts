// Where a kernel's arrays are in the kernels' memory: in place, or copied in and out.

import type { Data } from '../../tensor.js';
import type { WasmHeap } from './heap.js';
import { Staging } from './staging.js';

/**
 * Where a kernel's float32 arrays are in the kernels' memory: in place when they live
 * there, else copies in staging blocks (outputs copied back by finish()). Copies happen
 * when memory is not shared (a page that is not cross-origin isolated): the copy is small
 * next to a convolution.
 */
export class Placement {
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
