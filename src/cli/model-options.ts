// `scratchnet train`'s model options: --model and the book's chapter 6–7 toolbox, declared
// for commander; what they mean (defaults per model kind, resolving a run) is in
// train/run-settings.ts, shared with the page.

import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { validateSpec } from '../nets/spec.js';
import { OPTIMIZERS } from '../optim/factory.js';
import { decayFactor, fraction, hiddenList as hiddenValue, initChoice, nonNegativeNumber } from '../train/option-values.js';
import { MODEL_KINDS, type ModelChoice, type ModelKind } from '../train/run-settings.js';
import { optionParser } from './options.js';

export {
  MODEL_KINDS, MODEL_DEFAULTS, needsImageShape, resolveRun,
  type ModelKind, type ModelCliOptions, type ModelChoice, type ResolvedRun,
} from '../train/run-settings.js';

export const hiddenList = optionParser(hiddenValue);

/**
 * The toolbox options of `train`. Options the reference job already had (--hidden, --iters,
 * --batch, --lr, --init-std, --eval-every) are declared by the caller with these parsers and
 * without commander defaults, so each model kind can fill in its own.
 */
export function addModelOptions(command: Command, parsers: { positiveInt: (v: string) => number; positiveNumber: (v: string) => number }): Command {
  return command
    .option('--model <kind|file>', `${MODEL_KINDS.join(' | ')} | a model spec FILE.json`, 'two-layer')
    .option('--epochs <n>', 'train for n passes over the shuffled training set, evaluating after each (instead of --iters)', parsers.positiveInt)
    .addOption(new Option('--optimizer <name>', 'sgd (two-layer), adam (others) …').choices([...OPTIMIZERS]))
    .option('--lr-decay <x>', 'multiply the learning rate by x after every epoch (mlp 0.8, cnn 0.7, others 1)', optionParser(decayFactor))
    .option('--momentum <x>', 'momentum and nesterov: α (0.9)', optionParser(fraction))
    .option('--beta1 <x>', 'adam: β1 (0.9)', optionParser(fraction))
    .option('--beta2 <x>', 'adam: β2 (0.999)', optionParser(fraction))
    .option('--decay-rate <x>', 'rmsprop: ρ (0.99)', optionParser(fraction))
    .option('--weight-decay <λ>', 'L2 weight decay: loss + ½λΣW² over the weights (0)', optionParser(nonNegativeNumber))
    .option('--dropout <ratio>', 'mlp, cnn: dropout after each hidden Affine activation, 0 = none (mlp 0.2, cnn 0.5)', optionParser(fraction))
    .option('--batch-norm', 'mlp, cnn: batch normalization before each hidden activation (mlp: on)')
    .option('--no-batch-norm', 'mlp: no batch normalization')
    .option('--init <how>', 'initial weights: std (× --init-std), xavier √(1/n), he √(2/n), or a std; default 0.01 for two-layer and simple-cnn, he otherwise', optionParser(initChoice))
    .option('--eval-samples <n>', 'evaluate on the first n train and test images, except the final evaluation (cnn 5000, simple-cnn 1000)', parsers.positiveInt);
}

/** Reads --model: a kind name, or a JSON spec file (checked before any data is loaded). */
export function chooseModel(model: string): ModelChoice {
  if ((MODEL_KINDS as readonly string[]).includes(model)) return { kind: model as ModelKind };
  if (!model.endsWith('.json')) {
    throw new InputError(`--model ${model}: not a model kind (${MODEL_KINDS.join(', ')}) nor a .json spec file`);
  }
  let text: string;
  try {
    text = readFileSync(model, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`--model ${model}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--model ${model}: not valid JSON (${(error as Error).message})`);
  }
  try {
    validateSpec(value);
  } catch (error) {
    throw new InputError(`--model ${model}: ${(error as Error).message.replace(/^model spec: /, '')}`);
  }
  return { kind: 'file', spec: value, file: model };
}

