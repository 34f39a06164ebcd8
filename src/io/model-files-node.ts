// Node-only: model files on disk. Writes go to a temporary file in the same folder, then
// rename over the target, so a crash or a kill leaves the old file or the new one, never half.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import type { SpecNet } from '../nets/spec.js';
import { loadModelFile, saveModel, type LoadedModel, type LoadOptions, type ModelInfo } from './model-file.js';
import { decodeTrainingState, encodeTrainingState, type TrainingState } from './training-state.js';

/** Writes `bytes` to `path` atomically (temporary file in the same folder, fsync, rename). */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(`${path}: cannot write (${(error as Error).message})`);
  }
}

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
