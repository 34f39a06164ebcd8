// A tensor is a flat typed array plus a row-major shape. Nothing more: the math lives in
// kernels (src/tensor/kernels) and layers (src/layers).

export type DType = 'float32' | 'float64';
export type Data = Float32Array | Float64Array;

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

let float32Allocator: ((length: number) => Float32Array) | undefined;

/**
 * Where new float32 tensors get their memory: a backend may place them in its own memory
 * (the WebAssembly backend's, so its kernels use them without copies); undefined = the JS heap.
 */
export function setFloat32Allocator(allocator: ((length: number) => Float32Array) | undefined): void {
  float32Allocator = allocator;
}

/** Zeroed storage for `length` values. */
export function allocate(dtype: DType, length: number): Data {
  if (dtype === 'float64') return new Float64Array(length);
  return float32Allocator && length > 0 ? float32Allocator(length) : new Float32Array(length);
}

/** The float32 storage behind each array of allocateBytes (kept alive as long as the bytes are). */
const byteStorage = new WeakMap<Uint8Array, Float32Array>();

/**
 * Zeroed bytes from the same place as float32 tensors (a wasm backend's memory when it is
 * active, where its kernels read them in place): images kept as one byte per pixel.
 */
export function allocateBytes(length: number): Uint8Array {
  if (!float32Allocator || length === 0) return new Uint8Array(length);
  const storage = float32Allocator(Math.ceil(length / 4));
  const bytes = new Uint8Array(storage.buffer, storage.byteOffset, length);
  byteStorage.set(bytes, storage);
  return bytes;
}

export function dtypeOf(data: Data): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export class Tensor {
  readonly data: Data;
  readonly shape: readonly number[];
  // NOTE: a view must keep the array it views reachable: an allocator may free the memory
  // of an array once that array is garbage, even while subarrays of it are still used.
  private readonly base: Data | undefined;

  constructor(data: Data, shape: readonly number[], base?: Data) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data length ${data.length} does not match shape [${shape.join(', ')}]`);
    }
    this.data = data;
    this.shape = [...shape];
    this.base = base;
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return new Tensor(allocate(dtype, sizeOf(shape)), shape);
  }

  static from(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const data = allocate(dtype, values.length);
    data.set(values as ArrayLike<number>);
    return new Tensor(data, shape);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get size(): number {
    return this.data.length;
  }

  /** Rows of a 2-D view: the first dimension. */
  get rows(): number {
    return this.shape[0] ?? 1;
  }

  /** Everything after the first dimension, flattened: the width of a 2-D view. */
  get cols(): number {
    return this.shape.length === 0 ? 1 : this.size / this.rows;
  }

  /** Same data, new shape (no copy). */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape, this.base);
  }

  /** A copy in new storage from the allocator, like every other tensor (in a wasm backend's memory when it is active). */
  clone(): Tensor {
    return this.as(this.dtype);
  }

  /** Copy with another element type (float64 for gradient checks). */
  as(dtype: DType): Tensor {
    const data = allocate(dtype, this.size);
    data.set(this.data);
    return new Tensor(data, this.shape);
  }

  /** Rows [start, end) of the first dimension, sharing this tensor's data. */
  sliceRows(start: number, end: number): Tensor {
    const width = this.cols;
    const rows = this.data.subarray(start * width, end * width) as Data;
    return new Tensor(rows, [end - start, ...this.shape.slice(1)], this.base ?? this.data);
  }
}

/** Tensors made by reuse(), with the whole memory they may be re-cut from. */
const reusable = new WeakMap<Tensor, Data>();

/**
 * A tensor of this shape and dtype for a buffer the caller overwrites: `existing` when it
 * already has this shape; a view of the memory `existing` came with when that is large
 * enough (training batches after an evaluation chunk); else a new zeroed tensor. A reused
 * buffer holds whatever it held. Layers keep their outputs through this, so a training
 * loop allocates nothing per iteration, nor per evaluation after the first.
 */
export function reuse(existing: Tensor | undefined, shape: readonly number[], dtype: DType): Tensor {
  if (existing && existing.dtype === dtype) {
    if (sameShape(existing.shape, shape)) return existing;
    const storage = reusable.get(existing);
    const size = sizeOf(shape);
    if (storage && storage.length >= size) {
      const view = new Tensor(storage.subarray(0, size) as Data, shape, storage);
      reusable.set(view, storage);
      return view;
    }
  }
  const fresh = Tensor.zeros(shape, dtype);
  reusable.set(fresh, fresh.data);
  return fresh;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}
