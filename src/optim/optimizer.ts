import type { Param } from '../layers/layer.js';
import { Tensor } from '../tensor/tensor.js';

/** The book's ε in AdaGrad, RMSprop and Adam: W ← W − … / (√h + 1e-7), so a zero h never divides by zero. */
export const EPSILON = 1e-7;

/**
 * An optimizer moves every parameter one step against its gradient. Its state (velocities,
 * squared-gradient sums, Adam's step count) is a set of named tensors, so a checkpoint can
 * save it and a resumed run continue exactly where it stopped.
 */
export interface Optimizer {
  readonly name: string;
  /** Learning rate; writable so a schedule can change it between steps. */
  lr: number;
  update(params: readonly Param[]): void;
  /** Copies of the state tensors, named `slot.param` (e.g. `m.W1`), plus scalars such as `t`. */
  state(): Record<string, Tensor>;
  /** Continues from a `state()` of an optimizer of the same kind; shapes are checked at the next update. */
  loadState(state: Record<string, Tensor>): void;
  /** The hyper-parameters, for metrics.json and logs. */
  config(): Record<string, string | number>;
}

/**
 * Per-parameter state tensors ("slots"): slot `v` of parameter `W1` is the tensor `v.W1`,
 * zero until the first update, shaped like the parameter.
 */
export class Slots {
  private readonly tensors = new Map<string, Tensor>();
  private checked: readonly Param[] | undefined;

  constructor(
    private readonly owner: string,
    private readonly slotNames: readonly string[],
  ) {}

  /** The `slot` tensor of `p`; created as zeros on first use. */
  get(slot: string, p: Param): Tensor {
    const key = `${slot}.${p.name}`;
    let tensor = this.tensors.get(key);
    if (!tensor) {
      tensor = Tensor.zeros(p.value.shape, p.value.dtype);
      this.tensors.set(key, tensor);
    } else if (tensor.size !== p.value.size) {
      throw new Error(`${this.owner}: state "${key}" has ${tensor.size} values but parameter ${p.name} has ${p.value.size}`);
    }
    return tensor;
  }

  /** State is keyed by parameter name, so the names must be unique (LayerNet's are). */
  checkNames(params: readonly Param[]): void {
    if (this.checked === params) return;
    const seen = new Set<string>();
    for (const p of params) {
      if (seen.has(p.name)) throw new Error(`${this.owner}: two parameters are named "${p.name}"; state is kept by name`);
      seen.add(p.name);
    }
    this.checked = params;
  }

  entries(): [string, Tensor][] {
    return [...this.tensors].map(([key, tensor]) => [key, tensor.clone()]);
  }

  /** Takes the slot tensors of a saved state (copies); other keys are left to the caller. */
  load(state: Record<string, Tensor>, scalars: readonly string[] = []): void {
    const loaded = new Map<string, Tensor>();
    for (const [key, tensor] of Object.entries(state)) {
      if (scalars.includes(key)) continue;
      const dot = key.indexOf('.');
      if (dot < 0 || !this.slotNames.includes(key.slice(0, dot))) {
        throw new Error(`${this.owner}: unexpected state "${key}" (expected ${[...this.slotNames.map((s) => `${s}.<param>`), ...scalars].join(', ')})`);
      }
      loaded.set(key, tensor.clone());
    }
    this.tensors.clear();
    for (const [key, tensor] of loaded) this.tensors.set(key, tensor);
  }
}

/** An optimizer whose state is its slots: state() and loadState() come with it. */
export abstract class SlotOptimizer implements Optimizer {
  abstract readonly name: string;
  abstract lr: number;
  protected readonly slots: Slots;

  constructor(owner: string, slotNames: readonly string[]) {
    this.slots = new Slots(owner, slotNames);
  }

  abstract update(params: readonly Param[]): void;
  abstract config(): Record<string, string | number>;

  state(): Record<string, Tensor> {
    return Object.fromEntries(this.slots.entries());
  }

  loadState(state: Record<string, Tensor>): void {
    this.slots.load(state);
  }
}

/** Reads a scalar (a one-element tensor) from a saved state. */
export function scalarState(state: Record<string, Tensor>, key: string, owner: string): number {
  const tensor = state[key];
  if (tensor?.size !== 1 || !Number.isFinite(tensor.data[0]!)) {
    throw new Error(`${owner}: state "${key}" must be one finite number`);
  }
  return tensor.data[0]!;
}

export function scalarTensor(value: number): Tensor {
  return Tensor.from([value], [1], 'float64');
}

/** Throws unless the state holds no keys at all (for optimizers without state). */
export function expectEmptyState(state: Record<string, Tensor>, owner: string): void {
  const keys = Object.keys(state);
  if (keys.length > 0) throw new Error(`${owner}: has no state, got "${keys[0]}"`);
}
