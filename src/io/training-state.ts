// What training needs besides the weights to go on exactly where it stopped, as a second
// safetensors file beside the model (model.optimizer.safetensors):
//   tensors   "optimizer.<name>"  the optimizer's own tensors (momentum, Adam's m and v …)
//             "state.<name>"      anything else (the shuffle order of the epoch, the loss so far)
//   metadata  "iteration"         iterations done; the model file beside it must say the same
//             "rngs"              {name: Rng.state()} for every random stream training draws from
//             "optimizer"         {"name", "values": {name: number}} (step counts, hyperparameters)
//             "values"            any other JSON (evaluations so far, the epoch cursor)

import { InputError } from '../errors.js';
import type { RngState } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseJson } from './model-file.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

export const TRAINING_STATE_FORMAT = 'scratchnet-training-state';

export interface OptimizerSnapshot {
  readonly name: string;
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly values: ReadonlyMap<string, number>;
}

export interface TrainingState {
  readonly iteration: number;
  readonly rngs: ReadonlyMap<string, RngState>;
  readonly optimizer: OptimizerSnapshot;
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly values: ReadonlyMap<string, unknown>;
}

const OPTIMIZER_PREFIX = 'optimizer.';
const STATE_PREFIX = 'state.';

export function encodeTrainingState(state: TrainingState): Uint8Array {
  const tensors: [string, Tensor][] = [
    ...[...state.optimizer.tensors].map(([name, tensor]): [string, Tensor] => [OPTIMIZER_PREFIX + name, tensor]),
    ...[...state.tensors].map(([name, tensor]): [string, Tensor] => [STATE_PREFIX + name, tensor]),
  ];
  return encodeSafetensors(tensors, [
    ['format', TRAINING_STATE_FORMAT],
    ['iteration', String(state.iteration)],
    ['rngs', JSON.stringify(Object.fromEntries(state.rngs))],
    ['optimizer', JSON.stringify({ name: state.optimizer.name, values: Object.fromEntries(state.optimizer.values) })],
    ['values', JSON.stringify(Object.fromEntries(state.values))],
  ]);
}

export function decodeTrainingState(bytes: Uint8Array, source = 'training state file'): TrainingState {
  const fail = (problem: string): never => {
    throw new InputError(`${source}: ${problem}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.get('format') !== TRAINING_STATE_FORMAT) fail(`not a scratchnet training state file (no "format": "${TRAINING_STATE_FORMAT}" in its "__metadata__")`);
  const text = (key: string): string => metadata.get(key) ?? fail(`metadata "${key}" is missing`);

  const iteration = Number(text('iteration'));
  if (!Number.isSafeInteger(iteration) || iteration < 0) fail(`metadata "iteration" must be a whole number, got ${JSON.stringify(text('iteration'))}`);

  const rngs = new Map<string, RngState>();
  for (const [name, value] of objectEntries(parseJson(text('rngs'), 'rngs', fail), 'rngs', fail)) {
    const state = value as RngState;
    if (typeof value !== 'object' || value === null || !Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      fail(`metadata "rngs": "${name}" is not a random generator state`);
    }
    if (state.spareNormal !== null && typeof state.spareNormal !== 'number') fail(`metadata "rngs": "${name}".spareNormal must be a number or null`);
    rngs.set(name, { s: [...state.s], spareNormal: state.spareNormal });
  }

  const optimizerJson = parseJson(text('optimizer'), 'optimizer', fail) as { name?: unknown; values?: unknown };
  if (typeof optimizerJson !== 'object' || optimizerJson === null || typeof optimizerJson.name !== 'string') fail('metadata "optimizer" must be {"name", "values"}');
  const optimizerValues = new Map<string, number>();
  for (const [name, value] of objectEntries(optimizerJson.values ?? {}, 'optimizer.values', fail)) {
    if (typeof value !== 'number') fail(`metadata "optimizer": value "${name}" must be a number`);
    optimizerValues.set(name, value as number);
  }

  const values = new Map(objectEntries(parseJson(text('values'), 'values', fail), 'values', fail));

  const optimizerTensors = new Map<string, Tensor>();
  const stateTensors = new Map<string, Tensor>();
  for (const [name, tensor] of tensors) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizerTensors.set(name.slice(OPTIMIZER_PREFIX.length), tensor);
    else if (name.startsWith(STATE_PREFIX)) stateTensors.set(name.slice(STATE_PREFIX.length), tensor);
    else fail(`tensor "${name}" is neither "${OPTIMIZER_PREFIX}…" nor "${STATE_PREFIX}…"`);
  }
  return {
    iteration,
    rngs,
    optimizer: { name: optimizerJson.name as string, tensors: optimizerTensors, values: optimizerValues },
    tensors: stateTensors,
    values,
  };
}

function objectEntries(value: unknown, key: string, fail: (problem: string) => never): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`metadata "${key}" must be a JSON object`);
  return Object.entries(value as object);
}
