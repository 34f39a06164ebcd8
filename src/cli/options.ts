// Option parsers shared by the commands: each turns a string into a checked value or
// throws commander's InvalidArgumentError, which commander reports as one line naming the option.
// The checks themselves are in train/option-values.ts (the page parses its URL query with them).

import { InvalidArgumentError, Option, type Command } from 'commander';
import { cpus } from 'node:os';
import { BACKENDS, type BackendName } from '../tensor/kernels/select.js';
import * as values from '../train/option-values.js';
import { InvalidValueError } from '../train/option-values.js';

/** A core check (train/option-values.ts) as a commander parser: its complaint becomes commander's one-line error. */
export function optionParser<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (error) {
      if (error instanceof InvalidValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

export const positiveInt = optionParser(values.positiveInt);
export const nonNegativeInt = optionParser(values.nonNegativeInt);
export const positiveNumber = optionParser(values.positiveNumber);
export const seedNumber = optionParser(values.seedNumber);

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
