// `train --resume FILE`: the options of the saved run fill in whatever the command line leaves
// out, so `scratchnet train --resume runs/x/model.safetensors` alone continues that run.
// The saved values come from a file, so each goes through its option's own parser again.

import type { Command } from 'commander';
import { InputError } from '../errors.js';

/** The options that decide what a run computes (not where it reads or writes, nor how fast). */
export const RUN_OPTION_KEYS = [
  'model', 'hidden', 'iters', 'epochs', 'batch', 'optimizer', 'lr', 'lrDecay', 'momentum', 'beta1', 'beta2',
  'decayRate', 'weightDecay', 'dropout', 'batchNorm', 'init', 'initStd', 'evalEvery', 'evalSamples', 'seed',
] as const;

/** Options given together with one of these replace the saved other (a saved --iters run resumed with --epochs). */
const EXCLUSIVE: Record<string, readonly string[]> = { iters: ['epochs'], epochs: ['iters', 'evalEvery'], evalEvery: ['epochs'] };

/** The run-defining options that have a value, for saving beside the weights. */
export function runOptions(options: object): Record<string, unknown> {
  const values = options as Record<string, unknown>;
  return Object.fromEntries(RUN_OPTION_KEYS.filter((key) => values[key] !== undefined).map((key) => [key, values[key]]));
}

/** The command line's explicit options, else the saved run's; `file` names the checkpoint in errors. */
export function resumedOptions<T extends object>(options: T, explicit: ReadonlySet<string>, saved: unknown, command: Command, file: string): T {
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) {
    throw new InputError(`${file}: not a checkpoint of \`scratchnet train\` (its metadata has no "trainOptions")`);
  }
  const merged: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  const overridden = new Set([...explicit].flatMap((key) => EXCLUSIVE[key] ?? []));
  for (const key of RUN_OPTION_KEYS) {
    if (explicit.has(key) || overridden.has(key) || !Object.hasOwn(saved, key)) continue;
    merged[key] = parseSaved(command, key, (saved as Record<string, unknown>)[key], file);
  }
  return merged as T;
}

function parseSaved(command: Command, key: string, value: unknown, file: string): unknown {
  const option = command.options.find((o) => o.attributeName() === key);
  const bad = (why: string): never => {
    throw new InputError(`${file}: saved option ${option?.long ?? key} ${JSON.stringify(value)}: ${why}`);
  };
  if (!option) return bad('unknown option');
  if (option.isBoolean()) return typeof value === 'boolean' ? value : bad('must be true or false');
  if (!(typeof value === 'string' || typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number')))) {
    return bad('must be a string, a number or a list of numbers');
  }
  const text = String(value);
  if (option.argChoices && !option.argChoices.includes(text)) return bad(`must be one of ${option.argChoices.join(', ')}`);
  if (!option.parseArg) return text;
  try {
    return option.parseArg(text, undefined);
  } catch (error) {
    return bad((error as Error).message);
  }
}

/**
 * The command that continues a checkpointed run: `scratchnet train --resume FILE`, plus the
 * explicit options that say where data comes from and how it runs (they are not saved).
 */
export function resumeCommand(modelPath: string, options: object, explicit: ReadonlySet<string>): string {
  const values = options as Record<string, unknown>;
  const args = ['scratchnet', 'train', '--resume', modelPath];
  for (const key of explicit) {
    const value = values[key];
    if ((RUN_OPTION_KEYS as readonly string[]).includes(key) || key === 'out' || key === 'resume' || value === undefined || value === false) continue;
    args.push(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    if (value !== true) args.push(String(value));
  }
  return args.map(shellWord).join(' ');
}

/** `word` as one word for a POSIX shell. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
