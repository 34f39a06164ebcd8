// Node-only. Checkpoints on disk for `train`: model.safetensors (weights, spec, config, metrics so far)
// and model.optimizer.safetensors beside it (optimizer, random streams, sampler, history).
// Every file is written to a temporary file and renamed, in an order that leaves a matching
// pair on disk whenever the run is killed:
//   1. state(i) → .model.optimizer.safetensors.next     model(k), state(k) still match
//   2. model(i) → model.safetensors                     model(i) matches the .next state
//   3. .next → model.optimizer.safetensors               model(i), state(i)
// Resuming takes whichever of the two state files is at the model's iteration.

import { existsSync, renameSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, writeError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic-write-node.js';
import { saveModel, type LoadedModel } from './model-file.js';
import { readModelFile, readTrainingStateFile, trainingStatePath } from './model-files-node.js';
import { encodeTrainingState } from './training-state.js';
import type { SpecNet } from '../nets/spec.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { checkpointState, restoreCheckpoint } from '../train/checkpoint.js';
import type { ResumePoint } from '../train/trainer.js';

export const MODEL_FILE = 'model.safetensors';

export interface CheckpointInfo {
  config: unknown;
  metrics: unknown;
  /** The run-defining options (see resume-options.ts). */
  trainOptions?: unknown;
}

/** The random streams training draws from, by name; "training" is the batches' (and Dropout's) stream. */
export type RandomStreams = Record<string, Rng>;

/** Where a training state waits while its model file is being replaced. */
export function pendingStatePath(modelPath: string): string {
  const statePath = trainingStatePath(modelPath);
  return join(dirname(statePath), `.${basename(statePath)}.next`);
}

/** A checkpoint's two files as bytes, taken at one moment of the run. */
export interface EncodedCheckpoint {
  readonly model: Uint8Array;
  readonly state: Uint8Array;
}

export function encodeCheckpoint(net: SpecNet, info: CheckpointInfo, point: ResumePoint, optimizer: Optimizer, rngs: RandomStreams): EncodedCheckpoint {
  return { model: saveModel(net, { ...info, iteration: point.iteration }), state: encodeTrainingState(checkpointState(point, optimizer, rngs)) };
}

export function writeCheckpoint(dir: string, net: SpecNet, info: CheckpointInfo, point: ResumePoint, optimizer: Optimizer, rngs: RandomStreams): string {
  const { model, state } = encodeCheckpoint(net, info, point, optimizer, rngs);
  const path = join(dir, MODEL_FILE);
  writeFileAtomic(pendingStatePath(path), state);
  writeFileAtomic(path, model);
  try {
    renameSync(pendingStatePath(path), trainingStatePath(path));
  } catch (error) {
    throw writeError(trainingStatePath(path), error);
  }
  return path;
}

/** writeCheckpoint's three steps, in the same order, with the files written on libuv's threads. */
export async function writeCheckpointAsync(dir: string, checkpoint: EncodedCheckpoint): Promise<string> {
  const path = join(dir, MODEL_FILE);
  await writeFileAtomicAsync(pendingStatePath(path), checkpoint.state);
  await writeFileAtomicAsync(path, checkpoint.model);
  await rename(pendingStatePath(path), trainingStatePath(path)).catch((error: unknown) => {
    throw writeError(trainingStatePath(path), error);
  });
  return path;
}

/** Reads a checkpoint's model (its layers drawing from `rngs.training`) and its training state's file. */
export function readCheckpointModel(path: string, rngs: RandomStreams): LoadedModel {
  const model = readModelFile(path, { rng: rngs.training });
  if (model.iteration === undefined) throw new InputError(`${path}: not a training checkpoint (no "iteration" in its metadata); it can be evaluated, not resumed`);
  const statePath = trainingStatePath(path);
  if (!existsSync(statePath) && !existsSync(pendingStatePath(path))) throw new InputError(`${path}: cannot resume without its training state ${statePath}`);
  return model;
}

/** Restores optimizer and random streams from the training state beside `path`; returns where to resume. */
export function restoreCheckpointFiles(path: string, model: LoadedModel, optimizer: Optimizer, rngs: RandomStreams): ResumePoint {
  let statePath = trainingStatePath(path);
  let state = existsSync(statePath) ? readTrainingStateFile(statePath) : undefined;
  if (state?.iteration !== model.iteration && existsSync(pendingStatePath(path))) {
    // Killed between steps 2 and 3 of writeCheckpoint: the matching state is the pending one.
    statePath = pendingStatePath(path);
    state = readTrainingStateFile(statePath);
  }
  if (!state || state.iteration !== model.iteration) {
    throw new InputError(`${statePath}: training state is at iteration ${state?.iteration} but ${path} at ${model.iteration}`);
  }
  try {
    return restoreCheckpoint(state, optimizer, rngs);
  } catch (error) {
    throw new InputError(`${statePath}: ${(error as Error).message}`);
  }
}
