// A trained net as one safetensors file: its tensors under the net's own names (the book's
// W1, b1, W2, b2 for the two-layer net; BatchNorm's running statistics beside its
// parameters), and in "__metadata__" JSON strings: the ModelSpec the net is rebuilt from,
// the training config and the final metrics.

import { InputError } from '../errors.js';
import type { LayerNet } from '../nets/layer-net.js';
import { buildNet, validateSpec, type ModelSpec, type SpecNet } from '../nets/spec.js';
import { Rng } from '../tensor/rng.js';
import { sameShape, type DType, type Tensor } from '../tensor/tensor.js';
import { FORBIDDEN_KEYS } from './forbidden-keys.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

export const MODEL_FORMAT = 'scratchnet-model';
export const MODEL_FORMAT_VERSION = '1';

export interface ModelInfo {
  /** How the net was trained (any JSON value: the CLI stores its options). */
  config?: unknown;
  /** How well it did (any JSON value: the CLI stores final accuracies). */
  metrics?: unknown;
  /** Training iterations behind these weights; a checkpoint's optimizer file must agree. */
  iteration?: number;
  /** The options that define the training run (any JSON value), so it can be resumed. */
  trainOptions?: unknown;
}

export interface LoadedModel {
  readonly net: SpecNet;
  readonly spec: ModelSpec;
  readonly config: unknown;
  readonly metrics: unknown;
  readonly iteration: number | undefined;
  readonly trainOptions: unknown;
  /** Every "__metadata__" entry, as stored. */
  readonly metadata: ReadonlyMap<string, string>;
}

/**
 * Every tensor that defines a trained net: its parameters (W1, b1, gamma1, …) and the state
 * some layers keep besides them (BatchNorm's runningMean1, runningVar1), under the names
 * LayerNet gives them.
 */
export function netTensors(net: LayerNet): [string, Tensor][] {
  return [...net.params().map((p): [string, Tensor] => [p.name, p.value]), ...net.buffers().map((b): [string, Tensor] => [b.name, b.value])];
}

/** The model file's bytes: the net's tensors plus spec, config and metrics as metadata. */
export function saveModel(net: SpecNet, info: ModelInfo = {}): Uint8Array {
  const metadata: [string, string][] = [
    ['format', MODEL_FORMAT],
    ['formatVersion', MODEL_FORMAT_VERSION],
    ['spec', JSON.stringify(net.spec)],
  ];
  if (info.config !== undefined) metadata.push(['config', JSON.stringify(info.config)]);
  if (info.metrics !== undefined) metadata.push(['metrics', JSON.stringify(info.metrics)]);
  if (info.iteration !== undefined) metadata.push(['iteration', String(info.iteration)]);
  if (info.trainOptions !== undefined) metadata.push(['trainOptions', JSON.stringify(info.trainOptions)]);
  return encodeSafetensors(netTensors(net), metadata);
}

export interface LoadOptions {
  /** The random stream layers such as Dropout draw from (a resumed run passes its training rng). */
  rng?: Rng;
}

/** Rebuilds the net a model file describes, with its weights; `source` names the file in errors. */
export function loadModelFile(bytes: Uint8Array, source = 'model file', options: LoadOptions = {}): LoadedModel {
  const fail = (problem: string): never => {
    throw new InputError(`${source}: ${problem}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const format = metadata.get('format');
  const specText = metadata.get('spec');
  if (format !== MODEL_FORMAT || specText === undefined) {
    fail(`not a scratchnet model file (its "__metadata__" has no ${format === MODEL_FORMAT ? '"spec"' : `"format": "${MODEL_FORMAT}"`})`);
  }
  if (metadata.get('formatVersion') !== MODEL_FORMAT_VERSION) {
    fail(`model format version ${JSON.stringify(metadata.get('formatVersion'))} is not supported (this scratchnet reads version ${MODEL_FORMAT_VERSION})`);
  }
  const spec = parseJson(specText!, 'spec', fail);
  try {
    validateSpec(spec);
  } catch (error) {
    fail((error as Error).message);
  }

  let dtype: DType | undefined;
  let elements = 0;
  for (const [name, tensor] of tensors) {
    if (dtype !== undefined && tensor.dtype !== dtype) fail(`tensor "${name}" is ${tensor.dtype} but earlier tensors are ${dtype}`);
    dtype = tensor.dtype;
    elements += tensor.size;
  }

  let net: SpecNet;
  try {
    // The file's own element count bounds what the spec may allocate: a small file cannot
    // make us build a huge net.
    net = buildNet(spec as ModelSpec, { rng: options.rng ?? new Rng(0), dtype: dtype ?? 'float32', init: 0, maxElements: elements });
  } catch (error) {
    return fail((error as Error).message);
  }

  const expected = netTensors(net);
  const expectedNames = new Set(expected.map(([name]) => name));
  for (const [name, target] of expected) {
    const stored = tensors.get(name);
    if (!stored) return fail(`missing tensor "${name}" that the spec's net needs`);
    if (!sameShape(stored.shape, target.shape)) {
      fail(`tensor "${name}" has shape [${stored.shape.join(', ')}] but the spec's net needs [${target.shape.join(', ')}]`);
    }
    for (let i = 0; i < stored.data.length; i++) {
      if (!Number.isFinite(stored.data[i]!)) fail(`tensor "${name}" holds a non-finite value (${stored.data[i]}) at element ${i}`);
    }
    target.data.set(stored.data);
  }
  for (const name of tensors.keys()) {
    if (!expectedNames.has(name)) fail(`unexpected tensor "${name}" (the spec's net has ${[...expectedNames].join(', ')})`);
  }

  const optional = (key: string): unknown => {
    const text = metadata.get(key);
    return text === undefined ? undefined : parseJson(text, key, fail);
  };
  const iterationText = metadata.get('iteration');
  const iteration = iterationText === undefined ? undefined : Number(iterationText);
  if (iteration !== undefined && !(Number.isSafeInteger(iteration) && iteration >= 0)) fail(`metadata "iteration" must be a whole number, got ${JSON.stringify(iterationText)}`);
  return { net, spec: spec as ModelSpec, config: optional('config'), metrics: optional('metrics'), iteration, trainOptions: optional('trainOptions'), metadata };
}

/** The net stored in a model file's bytes. */
export function loadModel(bytes: Uint8Array, source?: string): SpecNet {
  return loadModelFile(bytes, source).net;
}

/** JSON from a metadata string, refusing keys that could reach an object's prototype later. */
export function parseJson(text: string, key: string, fail: (problem: string) => never): unknown {
  try {
    return JSON.parse(text, (name: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(name)) throw new SyntaxError(`the key "${name}" is not allowed`);
      return value;
    });
  } catch (error) {
    return fail(`metadata "${key}" is not valid JSON (${(error as Error).message})`);
  }
}
