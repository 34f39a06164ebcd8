// Node-only: model files on disk. Writes go to a temporary file in the same folder, then
// rename over the target, so a crash or a kill leaves the old file or the new one, never half.

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write-node.js';
import { InputError } from '../errors.js';
import type { SpecNet } from '../nets/spec.js';
import { loadModelFile, saveModel, type LoadedModel, type LoadOptions, type ModelInfo } from './model-file.js';
import { decodeTrainingState, encodeTrainingState, type TrainingState } from './training-state.js';

/** A file's bytes, or an InputError naming it. */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`);
  }
}

export function writeModelFile(path: string, net: SpecNet, info: ModelInfo = {}): void {
  writeFileAtomic(path, saveModel(net, info));
}

export function readModelFile(path: string, options: LoadOptions = {}): LoadedModel {
  return loadModelFile(readFileBytes(path), path, options);
}

/** model.safetensors → model.optimizer.safetensors: where a checkpoint keeps its training state. */
export function trainingStatePath(modelPath: string): string {
  return modelPath.endsWith('.safetensors') ? `${modelPath.slice(0, -'.safetensors'.length)}.optimizer.safetensors` : `${modelPath}.optimizer.safetensors`;
}

export function writeTrainingStateFile(path: string, state: TrainingState): void {
  writeFileAtomic(path, encodeTrainingState(state));
}

export function readTrainingStateFile(path: string): TrainingState {
  return decodeTrainingState(readFileBytes(path), path);
}
