// The JavaScript side of WebAssembly linear memory: a first-fit allocator from the
// module's heap base upward, growing the memory on demand, and the test "does this typed
// array live in this memory, and where?" that lets the kernels skip copies.
//
// Float32 tensors can live here (float32Array): a GC'd view frees its block.
// NOTE: a subarray does not keep its parent view alive, so a block is freed when the view
// that float32Array returned is collected, even while a subarray of it is still used.
// Keep the parent (Tensor.sliceRows does); never keep only a subarray.

const PAGE_BYTES = 65536;
const ALIGN = 64;

interface Block {
  start: number;
  bytes: number;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** Whether memory is shared (threads; views survive growth) or detached by growth. */
  readonly shared: boolean;
  private top: number;
  /** Memory from here up has never been handed out, so it still holds zeros. */
  private clean: number;
  /** Free blocks below top, sorted by start, never adjacent (merged on free). */
  private readonly free: Block[] = [];
  private readonly sizes = new Map<number, number>();
  /** Every buffer object this memory has had (growth replaces memory.buffer's object). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private buffer: ArrayBufferLike;
  private f32 = new Float32Array(0);
  private u8 = new Uint8Array(0);
  private readonly collected = new FinalizationRegistry<number>((start) => this.release(start));

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.buffer = memory.buffer;
    this.shared = typeof SharedArrayBuffer !== 'undefined' && this.buffer instanceof SharedArrayBuffer;
    this.top = alignUp(heapBase);
    this.clean = this.top;
    this.refresh();
  }

  /** Bytes in use or free below the top: the high-water mark of this heap. */
  get highWater(): number {
    return this.top;
  }

  /** A block of at least `bytes` bytes, 64-byte aligned; release() gives it back. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i]!;
      if (block.bytes < size) continue;
      const start = block.start;
      if (block.bytes === size) this.free.splice(i, 1);
      else {
        block.start += size;
        block.bytes -= size;
      }
      this.sizes.set(start, size);
      return start;
    }
    const start = this.top;
    this.ensure(start + size);
    this.top = start + size;
    this.clean = Math.max(this.clean, this.top);
    this.sizes.set(start, size);
    return start;
  }

  /** alloc, zeroed. Never-used memory is zero already: touching it twice costs page faults. */
  allocZeroed(bytes: number): number {
    const dirtyEnd = this.clean;
    const start = this.alloc(bytes);
    if (start < dirtyEnd) this.bytes.fill(0, start, Math.min(start + bytes, dirtyEnd));
    return start;
  }

  release(start: number): void {
    const size = this.sizes.get(start);
    if (size === undefined) throw new Error(`WasmHeap: release of ${start}, which is not an allocated block`);
    this.sizes.delete(start);
    let block: Block = { start, bytes: size };
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    const before = this.free[i - 1];
    if (before && before.start + before.bytes === start) {
      before.bytes += size;
      block = before;
      i--;
    } else this.free.splice(i, 0, block);
    const after = this.free[i + 1];
    if (after && block.start + block.bytes === after.start) {
      block.bytes += after.bytes;
      this.free.splice(i + 1, 1);
    }
    if (block.start + block.bytes === this.top) {
      this.top = block.start;
      this.free.splice(i, 1);
    }
  }

  /** A zeroed float32 array living in this memory; its block is freed when the view is collected. */
  float32Array(length: number): Float32Array {
    if (!this.shared) throw new Error('WasmHeap: views into unshared memory are detached when it grows');
    const start = this.allocZeroed(length * 4);
    const view = new Float32Array(this.memory.buffer, start, length);
    this.collected.register(view, start);
    return view;
  }

  /** Byte offset of `data` in this memory, or −1 when it lives elsewhere. */
  offsetOf(data: ArrayBufferView): number {
    const buffer = data.buffer;
    return buffer === this.buffer || this.buffers.has(buffer) ? data.byteOffset : -1;
  }

  /** The whole memory as float32 / bytes (refreshed after growth). */
  get float32(): Float32Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.f32;
  }

  get bytes(): Uint8Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.u8;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least an eighth, so a run of small allocations does not grow page by page.
    const needed = Math.ceil((end - have) / PAGE_BYTES);
    try {
      this.memory.grow(Math.max(needed, Math.ceil(have / PAGE_BYTES / 8)));
    } catch {
      this.memory.grow(needed);
    }
    this.refresh();
  }

  private refresh(): void {
    this.buffer = this.memory.buffer;
    this.buffers.add(this.buffer);
    this.f32 = new Float32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}
