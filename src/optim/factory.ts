// Optimizers by name, with the book's defaults for whatever is not given.

import { InputError } from '../errors.js';
import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

export interface OptimizerOptions {
  lr?: number;
  /** Momentum and Nesterov: α. */
  momentum?: number;
  /** Adam. */
  beta1?: number;
  beta2?: number;
  /** RMSprop: ρ. */
  decayRate?: number;
}

/** Which options each optimizer reads (others are refused, so a typo cannot pass silently). */
const ACCEPTS: Record<OptimizerName, readonly (keyof OptimizerOptions)[]> = {
  sgd: ['lr'],
  momentum: ['lr', 'momentum'],
  nesterov: ['lr', 'momentum'],
  adagrad: ['lr'],
  rmsprop: ['lr', 'decayRate'],
  adam: ['lr', 'beta1', 'beta2'],
};

/** The book's learning rate for each optimizer. */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.01,
  adam: 0.001,
};

export function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZERS as readonly string[]).includes(name);
}

/** Builds the named optimizer; bad names or values throw InputError naming the option. */
export function createOptimizer(name: string, options: OptimizerOptions = {}): Optimizer {
  const key = name.toLowerCase();
  if (!isOptimizerName(key)) throw new InputError(`--optimizer: unknown optimizer "${name}" (known: ${OPTIMIZERS.join(', ')})`);
  for (const [option, value] of Object.entries(options) as [keyof OptimizerOptions, number | undefined][]) {
    if (value === undefined) continue;
    if (!ACCEPTS[key].includes(option)) {
      throw new InputError(`--${flagName(option)}: ${key} has no such parameter (it takes ${ACCEPTS[key].map((o) => `--${flagName(o)}`).join(', ')})`);
    }
    if (!Number.isFinite(value)) throw new InputError(`--${flagName(option)}: must be a number, got ${value}`);
    if (option === 'lr' ? !(value > 0) : !(value >= 0 && value < 1)) {
      throw new InputError(`--${flagName(option)}: must be ${option === 'lr' ? '> 0' : 'in [0, 1)'}, got ${value}`);
    }
  }
  const lr = options.lr ?? DEFAULT_LR[key];
  switch (key) {
    case 'sgd':
      return new SGD(lr);
    case 'momentum':
      return new Momentum(lr, options.momentum);
    case 'nesterov':
      return new Nesterov(lr, options.momentum);
    case 'adagrad':
      return new AdaGrad(lr);
    case 'rmsprop':
      return new RMSprop(lr, options.decayRate);
    case 'adam':
      return new Adam(lr, options.beta1, options.beta2);
  }
}

function flagName(option: keyof OptimizerOptions): string {
  return option === 'decayRate' ? 'decay-rate' : option;
}
