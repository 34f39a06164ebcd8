// Checkpoints on disk for `train`: model.safetensors (weights, spec, config, metrics so far)
// and model.optimizer.safetensors beside it (optimizer, random streams, sampler, history).
// Each is written to a temporary file and renamed, the training state first: a run killed at
// any moment leaves a model file that loads.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { LoadedModel } from '../io/model-file.js';
import { readModelFile, readTrainingStateFile, trainingStatePath, writeModelFile, writeTrainingStateFile } from '../io/model-files-node.js';
import type { SpecNet } from '../nets/spec.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../tensor/rng.js';
import { checkpointState, restoreCheckpoint } from '../train/checkpoint.js';
import type { ResumePoint } from '../train/trainer.js';

export const MODEL_FILE = 'model.safetensors';

export interface CheckpointInfo {
  config: unknown;
  metrics: unknown;
}

/** The random streams training draws from, by name; "training" is the batches' (and Dropout's) stream. */
export type RandomStreams = Record<string, Rng>;

export function writeCheckpoint(dir: string, net: SpecNet, info: CheckpointInfo, point: ResumePoint, optimizer: Optimizer, rngs: RandomStreams): string {
  const path = join(dir, MODEL_FILE);
  writeTrainingStateFile(trainingStatePath(path), checkpointState(point, optimizer, rngs));
  writeModelFile(path, net, { ...info, iteration: point.iteration });
  return path;
}

/** Reads a checkpoint's model (its layers drawing from `rngs.training`) and its training state's file. */
export function readCheckpointModel(path: string, rngs: RandomStreams): LoadedModel {
  const model = readModelFile(path, { rng: rngs.training });
  if (model.iteration === undefined) throw new InputError(`${path}: not a training checkpoint (no "iteration" in its metadata); it can be evaluated, not resumed`);
  const statePath = trainingStatePath(path);
  if (!existsSync(statePath)) throw new InputError(`${path}: cannot resume without its training state ${statePath}`);
  return model;
}

/** Restores optimizer and random streams from the training state beside `path`; returns where to resume. */
export function restoreCheckpointFiles(path: string, model: LoadedModel, optimizer: Optimizer, rngs: RandomStreams): ResumePoint {
  const statePath = trainingStatePath(path);
  const state = readTrainingStateFile(statePath);
  if (state.iteration !== model.iteration) {
    throw new InputError(`${statePath}: training state is at iteration ${state.iteration} but ${path} at ${model.iteration} (a run stopped between writing the two?)`);
  }
  try {
    return restoreCheckpoint(state, optimizer, rngs);
  } catch (error) {
    throw new InputError(`${statePath}: ${(error as Error).message}`);
  }
}
