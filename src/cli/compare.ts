// scratchnet compare: the book's chapter 6 experiments. One net, trained once per variant
// from the same seed (same initial draws, same batches), each run's metrics.json in its own
// folder and all loss curves in one PNG.
//   compare optimizers: optimizer_compare_mnist.py — 784-100-100-100-100-10 Relu, He init,
//     batch 128, 2000 iterations; SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam, each at its book defaults
//   compare init: weight_init_compare.py — the same net with SGD lr 0.01; W std 0.01, Xavier, He

import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import { type ImageData, imageCount, sampleShapeOf } from '../data/dataset.js';
import { InputError } from '../errors.js';
import { multiLayerSpec, type Activation } from '../nets/multi-layer-net.js';
import { buildNet, type Init, type ModelSpec } from '../nets/spec.js';
import { createOptimizer, OPTIMIZERS, type OptimizerOptions } from '../optim/factory.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Rng } from '../tensor/rng.js';
import { sizeOf } from '../tensor/tensor.js';
import { trainSteps, type TrainResult } from '../train/trainer.js';
import { withBackendStarting } from './backend-start.js';
import { inRunFolder, newRunFolder, openFolder, runMetrics, writeMetrics } from './files.js';
import { Interrupted, listenForStop, type StopRequest } from './interrupt.js';
import { loadData } from './load-data.js';
import { hiddenList } from './model-options.js';
import { addBackendOptions, addDataOptions, nonNegativeInt, positiveInt, positiveNumber, seedNumber, type BackendChoice, type DataOptions } from './options.js';
import { createProgress } from './progress.js';
import { runSteps, type Stepped } from './stepping.js';

interface CompareCliOptions extends DataOptions, BackendChoice {
  hidden: number[];
  activation: Activation;
  iters: number;
  batch: number;
  evalEvery: number;
  seed: number;
  out?: string;
}

interface OptimizersCliOptions extends CompareCliOptions {
  optimizers: string[];
  init: string;
}

interface InitCliOptions extends CompareCliOptions {
  inits: string[];
  optimizer: string;
  lr: number;
}

/** One run of a comparison: its name (a folder name too) and what differs from the others. */
interface Variant {
  name: string;
  init: Init;
  optimizer: string;
  optimizerOptions: OptimizerOptions;
}

function list(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function parseInit(value: string, option: string): Init {
  if (value === 'xavier' || value === 'he') return value;
  const std = Number(value.replace(/^std\s*/, ''));
  if (!(std > 0) || !Number.isFinite(std)) throw new InputError(`${option}: "${value}" is not xavier, he or a standard deviation > 0`);
  return std;
}

function initName(init: Init): string {
  return typeof init === 'number' ? `std ${init}` : init === 'xavier' ? 'Xavier' : 'He';
}

function addCommonOptions(command: Command): Command {
  command
    .addOption(new Option('--hidden <sizes>', 'hidden layer sizes').argParser(hiddenList).default([100, 100, 100, 100], '100,100,100,100'))
    .addOption(new Option('--activation <name>', 'hidden activation').choices(['relu', 'sigmoid']).default('relu'))
    .option('--iters <n>', 'iterations per run (batches drawn with replacement)', positiveInt, 2000)
    .option('--batch <n>', 'minibatch size', positiveInt, 128)
    .option('--eval-every <n>', 'also evaluate accuracy every n iterations (0 = only after the last)', nonNegativeInt, 0)
    .option('--seed <n>', 'random seed, the same for every run', seedNumber, 1)
    .option('--out <dir>', 'output folder (default: runs/<timestamp>)');
  addDataOptions(command);
  addBackendOptions(command);
  return command;
}

export function compareCommand(): Command {
  const optimizers = addCommonOptions(
    new Command('optimizers')
      .description('train the same net once per optimizer (book defaults) and plot the loss curves together')
      .addOption(new Option('--optimizers <names>', 'comma-separated optimizer names').argParser(list).default([...OPTIMIZERS], OPTIMIZERS.join(',')))
      .option('--init <how>', 'initial weights: xavier, he or a std', 'he'),
  ).action(async (options: OptimizersCliOptions) => {
    const init = parseInit(options.init, '--init');
    const unknown = options.optimizers.find((name) => !(OPTIMIZERS as readonly string[]).includes(name));
    if (unknown !== undefined) throw new InputError(`--optimizers: unknown optimizer "${unknown}" (known: ${OPTIMIZERS.join(', ')})`);
    if (options.optimizers.length === 0) throw new InputError('--optimizers: name at least one optimizer');
    const variants = [...new Set(options.optimizers)].map((name) => ({ name, init, optimizer: name, optimizerOptions: {} }));
    await runComparison('optimizers', variants, options);
  });

  const init = addCommonOptions(
    new Command('init')
      .description('train the same net once per weight initialization (std 0.01, Xavier, He) and plot the loss curves together')
      .addOption(new Option('--inits <list>', 'comma-separated: std values, xavier, he').argParser(list).default(['0.01', 'xavier', 'he'], '0.01,xavier,he'))
      .addOption(new Option('--optimizer <name>', 'optimizer for every run').choices([...OPTIMIZERS]).default('sgd'))
      .option('--lr <x>', 'learning rate for every run', positiveNumber, 0.01),
  ).action(async (options: InitCliOptions) => {
    const inits = options.inits.map((value) => parseInit(value, '--inits'));
    if (inits.length === 0) throw new InputError('--inits: name at least one initialization');
    const variants = inits.map((value) => ({ name: initName(value), init: value, optimizer: options.optimizer, optimizerOptions: { lr: options.lr } }));
    const duplicate = variants.find((v, i) => variants.findIndex((w) => w.name === v.name) !== i);
    if (duplicate) throw new InputError(`--inits: "${duplicate.name}" appears twice`);
    await runComparison('init', variants, options);
  });

  return new Command('compare')
    .description("the book's chapter 6 comparisons: the same net trained once per optimizer or per initialization")
    .addCommand(optimizers.exitOverride())
    .addCommand(init.exitOverride());
}

export async function runComparison(what: 'optimizers' | 'init', variants: Variant[], options: CompareCliOptions): Promise<void> {
  const totalStart = performance.now();
  // Every optimizer is created up front, so a bad option fails before any data is read.
  for (const v of variants) createOptimizer(v.optimizer, v.optimizerOptions);
  const { backend, loaded: data } = await withBackendStarting(options, () => loadData(options, {}, (line) => console.error(line)));
  if (imageCount(data.train) === 0) throw new InputError(`${data.source}: the training set holds no images`);
  const spec = multiLayerSpec({ inputSize: sizeOf(sampleShapeOf(data.train)), hiddenSizes: options.hidden, outputSize: data.classes, activation: options.activation });
  const comparison: Comparison = { what, variants, options, data, spec, backend: backend.name, out: resolve(options.out ?? newRunFolder()) };
  await inRunFolder(comparison.out, async () => {
    // Ctrl-C during the runs stops them; once they are done, the chart is written all the same.
    const stop = listenForStop('stopping the comparison (Ctrl-C again: quit now)');
    try {
      printStart(comparison);
      const runs = await trainVariants(comparison, stop);
      const chart = await writeChart(comparison, runs);
      const metricsFiles = runs.map((r) => join(comparison.out, folderName(r.variant.name), 'metrics.json'));
      console.log(`time: ${((performance.now() - totalStart) / 1000).toFixed(1)} s; outputs: ${chart} and ${metricsFiles.join(', ')}`);
    } finally {
      stop.release();
    }
  });
}

interface Comparison {
  what: 'optimizers' | 'init';
  variants: Variant[];
  options: CompareCliOptions;
  data: ImageData;
  spec: ModelSpec;
  backend: string;
  out: string;
}

interface VariantRun {
  variant: Variant;
  result: TrainResult;
}

function netName({ data, options }: Comparison): string {
  return `${sizeOf(sampleShapeOf(data.train))}-${options.hidden.join('-')}-${data.classes} ${options.activation}`;
}

function printStart(comparison: Comparison): void {
  const { what, options, data, backend } = comparison;
  console.log(`scratchnet compare ${what}: ${netName(comparison)} net, ${options.iters} iterations, batch ${options.batch}, seed ${options.seed}`);
  console.log(`data: ${data.source} (${imageCount(data.train)} train, ${imageCount(data.test)} test); backend ${backend}`);
}

/** Each variant in turn, its metrics.json written as it ends; Ctrl-C stops between two iterations and keeps the runs already done. */
async function trainVariants(comparison: Comparison, stop: StopRequest): Promise<VariantRun[]> {
  const runs: VariantRun[] = [];
  for (const variant of comparison.variants) {
    const run = await trainVariant(comparison, variant, stop);
    if (!run) throw new Interrupted(stoppedLine(comparison, runs));
    runs.push(run);
  }
  return runs;
}

/** One variant's run, reported and saved; undefined if Ctrl-C stopped it. */
async function trainVariant(comparison: Comparison, variant: Variant, stop: StopRequest): Promise<VariantRun | undefined> {
  const { options, data, spec } = comparison;
  const rng = new Rng(options.seed);
  const net = buildNet(spec, { rng, init: variant.init });
  const optimizer = createOptimizer(variant.optimizer, variant.optimizerOptions);
  const progress = createProgress(options.iters, { label: variant.name });
  const schedule = { iterations: options.iters, batchSize: options.batch, evalEvery: options.evalEvery };
  let outcome: Stepped;
  try {
    const steps = trainSteps(net, optimizer, data, rng, schedule, { onIteration: (i, loss) => progress.update(i, loss) });
    outcome = await runSteps(steps, stop, `${variant.name}: learning rate ${optimizer.lr}`);
  } finally {
    progress.stop();
  }
  if (!outcome.result) return undefined;
  const { result } = outcome;
  const { trainAccuracy, testAccuracy } = result.final;
  console.log(
    `${variant.name.padEnd(10)} | final loss ${meanOfLast(result.loss, 100).toFixed(4)} (mean of last 100) | train acc ${trainAccuracy.toFixed(4)} | test acc ${testAccuracy.toFixed(4)} | ${result.seconds.train.toFixed(1)} s`,
  );
  const folder = join(comparison.out, folderName(variant.name));
  openFolder(folder);
  writeMetrics(folder, runMetrics(variantConfig(comparison, variant, optimizer), result, result.seconds));
  return { variant, result };
}

function variantConfig({ what, options, spec, backend, data }: Comparison, variant: Variant, optimizer: Optimizer): Record<string, unknown> {
  return {
    comparison: what,
    variant: variant.name,
    spec,
    init: variant.init,
    ...optimizer.config(),
    iters: options.iters,
    batch: options.batch,
    evalEvery: options.evalEvery,
    seed: options.seed,
    backend,
    data: data.source,
  };
}

function stoppedLine({ variants, out }: Comparison, runs: VariantRun[]): string {
  const during = `during run ${runs.length + 1} of ${variants.length} (${variants[runs.length]!.name})`;
  if (runs.length === 0) return `compare stopped (Ctrl-C) ${during}; nothing saved`;
  return `compare stopped (Ctrl-C) ${during}; the finished runs' metrics.json are in ${out}`;
}

async function writeChart(comparison: Comparison, runs: VariantRun[]): Promise<string> {
  const { what, options } = comparison;
  const title = what === 'optimizers' ? 'Optimizers on MNIST' : 'Weight initialization on MNIST';
  const { writeComparisonChart } = await import('./compare-chart.js');
  return writeComparisonChart(
    comparison.out,
    runs.map(({ variant, result }) => ({ name: variant.name, values: result.loss })),
    { title, subtitle: `${netName(comparison)}, batch ${options.batch}, seed ${options.seed}` },
  );
}

function meanOfLast(values: Float32Array, count: number): number {
  const n = Math.min(count, values.length);
  let sum = 0;
  for (let i = values.length - n; i < values.length; i++) sum += values[i]!;
  return n > 0 ? sum / n : Number.NaN;
}

function folderName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.]+/g, '-');
}
