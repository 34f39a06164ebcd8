// A tensor is a flat typed array plus a row-major shape. Nothing more: the math lives in
// kernels (src/tensor/kernels) and layers (src/layers).

export type DType = 'float32' | 'float64';
export type Data = Float32Array | Float64Array;

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export function allocate(dtype: DType, length: number): Data {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(data: Data): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export class Tensor {
  readonly data: Data;
  readonly shape: readonly number[];

  constructor(data: Data, shape: readonly number[]) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: data length ${data.length} does not match shape [${shape.join(', ')}]`);
    }
    this.data = data;
    this.shape = [...shape];
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
    return new Tensor(this.data, shape);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice() as Data, this.shape);
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
    return new Tensor(this.data.subarray(start * width, end * width) as Data, [end - start, ...this.shape.slice(1)]);
  }
}

/**
 * Returns `existing` when it already has this shape and dtype, otherwise a new zeroed tensor.
 * Layers keep their outputs through this so a training loop with a fixed batch size
 * allocates nothing per iteration.
 */
export function reuse(existing: Tensor | undefined, shape: readonly number[], dtype: DType): Tensor {
  if (existing && existing.dtype === dtype && sameShape(existing.shape, shape)) return existing;
  return Tensor.zeros(shape, dtype);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}
