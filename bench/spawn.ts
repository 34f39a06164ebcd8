// Starting one system in its own process and reading back its outcome.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistPackageFolder } from '../src/data/mnist-files.js';
import type { Request } from './protocol.js';

/** The NumPy program sits in the source tree (tsc does not copy it to dist). */
export const NUMPY_SCRIPT = fileURLToPath(new URL('../../bench/numpy_two_layer.py', import.meta.url));
export const TORCH_SCRIPT = fileURLToPath(new URL('../../bench/torch_train.py', import.meta.url));
/** Debian's python3-torch lives with the system python, not necessarily the first python3 on PATH. */
export const TORCH_PYTHON = '/usr/bin/python3';
const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));

/** python3 with numpy, or why not. */
export function numpyAvailable(python = 'python3'): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `${python} not found` };
  if (probe.status !== 0) return { ok: false, reason: `${python} has no numpy` };
  return { ok: true };
}

/** python with torch, or why not. */
export function torchAvailable(python = TORCH_PYTHON): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `${python} not found` };
  if (probe.status !== 0) return { ok: false, reason: `${python} has no torch (Debian: apt-get install python3-torch)` };
  return { ok: true };
}

/** The command line that runs a training request with the PyTorch program (any job). */
export function torchArgs(request: Request, resultPath: string, dataFolder = mnistPackageFolder()): string[] {
  if (request.mode !== 'train' || request.system.kind !== 'torch') throw new Error('the PyTorch program runs training jobs only');
  return [
    TORCH_SCRIPT, '--job', JSON.stringify(request.job), '--data', dataFolder, '--out', resultPath,
    '--seed', String(request.seed), '--threads', String(request.system.threads),
  ];
}

/** The command line that runs `request` with the NumPy program. */
export function numpyArgs(request: Request, resultPath: string, dataFolder = mnistPackageFolder()): string[] {
  const common = ['--data', dataFolder, '--out', resultPath, '--seed', String(request.seed)];
  if (request.mode === 'micro') {
    return [NUMPY_SCRIPT, 'micro', ...common, '--shapes', JSON.stringify(request.shapes), '--min-seconds', String(request.minSeconds), '--latency-samples', String(request.latencySamples)];
  }
  const { job } = request;
  if (job.optimizer !== 'sgd' || job.spec.layers.map((l) => l.type).join(',') !== 'affine,relu,affine') {
    throw new Error(`the NumPy program is the book's two-layer net with SGD; it cannot run job ${job.id}`);
  }
  const hidden = job.spec.layers[0]?.['units'];
  return [
    NUMPY_SCRIPT, 'train', ...common,
    '--iterations', String(job.iterations), '--batch', String(job.batchSize), '--lr', String(job.lr),
    '--hidden', String(hidden), '--eval-every', String(job.evalEvery),
  ];
}

/** Runs the request in a fresh process; resolves to the outcome, rejects with the child's error. */
export async function runInChild<T>(request: Request, options: { python?: string; torchPython?: string; dataFolder?: string } = {}): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), 'scratchnet-bench-'));
  const resultPath = join(folder, 'result.json');
  try {
    let command: string;
    let args: string[];
    const env = { ...process.env };
    if (request.system.kind === 'numpy') {
      command = options.python ?? 'python3';
      args = numpyArgs(request, resultPath, options.dataFolder);
      if (request.system.threads !== undefined) {
        for (const name of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[name] = String(request.system.threads);
      }
    } else if (request.system.kind === 'torch') {
      command = options.torchPython ?? TORCH_PYTHON;
      args = torchArgs(request, resultPath, options.dataFolder);
      // NOTE: torch sizes its thread pools itself; a foreign OMP_NUM_THREADS would override set_num_threads.
      delete env['OMP_NUM_THREADS'];
    } else {
      const requestPath = join(folder, 'request.json');
      writeFileSync(requestPath, JSON.stringify(request));
      command = process.execPath;
      args = [CHILD_SCRIPT, requestPath, resultPath];
    }
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
      child.on('error', reject);
      child.on('exit', (exitCode, signal) => resolve(signal ? null : exitCode));
    });
    if (!existsSync(resultPath)) throw new Error(`${command} exited with ${code ?? 'a signal'} and wrote no result`);
    const result = JSON.parse(readFileSync(resultPath, 'utf8')) as T & { error?: string };
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
