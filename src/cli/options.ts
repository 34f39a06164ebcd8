// Option parsers shared by the commands: each turns a string into a checked value or
// throws commander's InvalidArgumentError, which commander reports as one line naming the option.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { cpus } from 'node:os';
import { BACKENDS, type BackendName } from '../tensor/kernels/select.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a whole number ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0.');
  return n;
}

export function seedNumber(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n > 0xffffffff) throw new InvalidArgumentError('must be a whole number from 0 to 4294967295.');
  return n;
}

/** --data, --download, --cache: where the images come from. */
export function addDataOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'read the four MNIST IDX files (raw or .gz) from this folder')
    .option('--download [base-url]', 'download MNIST (.gz) from a mirror into the cache, checksummed; default mirror if no URL')
    .option('--cache <dir>', 'cache folder for --download (default: ~/.cache/scratchnet/mnist)');
}

/** --backend, --threads: which kernels run the math. */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'kernel backend').choices([...BACKENDS]).default('wasm'))
    .option('--threads <n>', 'worker threads for large matrix products (1 = none)', positiveInt, cpus().length);
}

export interface DataOptions {
  data?: string;
  download?: string | boolean;
  cache?: string;
}

export interface BackendChoice {
  backend: BackendName;
  threads: number;
}
