// Scratch blocks in the kernels' memory, and the length check every wasm kernel makes
// before it hands a pointer to the module (which would read past an array silently).

import type { WasmHeap } from './heap.js';

/** A reusable block of memory for copies and scratch, grown when a larger one is needed. */
export class Staging {
  private start = -1;
  private bytes = 0;

  constructor(private readonly heap: WasmHeap) {}

  reserve(bytes: number): number {
    if (bytes > this.bytes) {
      if (this.start >= 0) this.heap.release(this.start);
      this.start = this.heap.alloc(bytes);
      this.bytes = bytes;
    }
    return this.start;
  }
}

export function need(what: string, data: ArrayLike<number>, length: number): void {
  if (data.length < length) throw new Error(`${what} holds ${data.length} values, needs ${length}`);
}
