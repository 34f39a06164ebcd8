// scratchnet train: the book's chapter 5 job (TwoLayerNet on MNIST, minibatch SGD),
// with every default of the reference job, writing metrics and charts to a run folder.

import { Command } from 'commander';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { SpecNet } from '../nets/spec.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { SGD } from '../optim/sgd.js';
import { useBackend } from '../tensor/kernels/select.js';
import { Rng } from '../tensor/rng.js';
import { DivergenceError, train, type Evaluation, type ResumePoint, type TrainResult } from '../train/trainer.js';
import { writeTrainingCharts } from '../report/training-charts.js';
import { readModelFile } from '../io/model-files-node.js';
import { MODEL_FILE, readCheckpointModel, restoreCheckpointFiles, writeCheckpoint } from './checkpoint-files.js';
import { makeFolder, newRunFolder, writeFileAtomic } from './files.js';
import { loadData } from './load-data.js';
import { addBackendOptions, addDataOptions, nonNegativeInt, positiveInt, positiveNumber, seedNumber, type BackendChoice, type DataOptions } from './options.js';
import { createProgress } from './progress.js';

export interface TrainCliOptions extends DataOptions, BackendChoice {
  hidden: number;
  iters: number;
  batch: number;
  lr: number;
  initStd: number;
  evalEvery?: number;
  seed: number;
  out?: string;
  resume?: string;
}

/** Options a resumed run takes from the saved run's config unless given on the command line. */
const RESUMED_OPTIONS = ['iters', 'batch', 'lr', 'evalEvery', 'seed'] as const;

export function trainCommand(): Command {
  const command = new Command('train')
    .description("train the book's two-layer net on MNIST and write metrics.json, accuracy.png and loss.png")
    .option('--hidden <n>', 'hidden units', positiveInt, 50)
    .option('--iters <n>', 'training iterations', positiveInt, 10000)
    .option('--batch <n>', 'minibatch size (drawn with replacement)', positiveInt, 100)
    .option('--lr <x>', 'learning rate', positiveNumber, 0.1)
    .option('--init-std <x>', 'initial weights ~ std · N(0, 1)', positiveNumber, 0.01)
    .option('--eval-every <n>', 'evaluate on all train and test images every n iterations, 0 = only at the end (default: one epoch, train size / batch)', nonNegativeInt)
    .option('--seed <n>', 'random seed: the same seed gives the same numbers', seedNumber, 1)
    .option('--out <dir>', 'output folder (default: runs/<timestamp>; with --resume, the checkpoint\'s folder)')
    .option('--resume <file>', `continue the run saved in this ${MODEL_FILE} (and the .optimizer.safetensors beside it); options not given are the saved run's`);
  addDataOptions(command);
  addBackendOptions(command);
  return command.action(async (options: TrainCliOptions, self: Command) => {
    const explicit = new Set(Object.keys(options).filter((key) => self.getOptionValueSource(key) === 'cli'));
    await runTrain(options, explicit);
  });
}

export async function runTrain(options: TrainCliOptions, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  const totalStart = performance.now();
  if (options.resume) options = withSavedOptions(options, explicit);
  const backend = await useBackend(options.backend, { threads: options.threads });

  const loadStart = performance.now();
  const data = await loadData(options, {}, (line) => console.error(line));
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const trainSize = data.train.images.rows;
  if (trainSize === 0) throw new InputError(`${data.source}: the training set holds no images`);
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(trainSize / options.batch));
  const inputSize = data.train.images.cols;
  const config = {
    model: 'two-layer',
    inputSize,
    hidden: options.hidden,
    outputSize: data.classes,
    iters: options.iters,
    batch: options.batch,
    lr: options.lr,
    initStd: options.initStd,
    evalEvery,
    seed: options.seed,
    backend: backend.name,
    threads: options.threads,
    data: data.source,
    trainImages: trainSize,
    testImages: data.test.images.rows,
  };

  const rng = new Rng(options.seed);
  const streams = { training: rng };
  let net: SpecNet;
  let resume: ResumePoint | undefined;
  const optimizer = new SGD(options.lr);
  if (options.resume) {
    const model = readCheckpointModel(options.resume, streams);
    const modelInput = model.net.spec.inputShape.reduce((a, b) => a * b, 1);
    if (modelInput !== inputSize) throw new InputError(`${options.resume}: the model reads ${modelInput} values per image, the data has ${inputSize}`);
    net = model.net;
    resume = restoreCheckpointFiles(options.resume, model, optimizer, streams);
    if (resume.iteration > options.iters) throw new InputError(`--iters ${options.iters}: the checkpoint is already at iteration ${resume.iteration}`);
    Object.assign(config, { hidden: (model.config as { hidden?: number } | undefined)?.hidden ?? config.hidden, resumedFrom: { file: resolve(options.resume), iteration: resume.iteration } });
  } else {
    net = new TwoLayerNet({ inputSize, hiddenSize: options.hidden, outputSize: data.classes, weightInitStd: options.initStd, rng });
  }

  const out = resolve(options.out ?? (options.resume ? dirname(options.resume) : newRunFolder()));
  const created = makeFolder(out);
  console.log(`scratchnet train: ${inputSize}-${options.hidden}-${data.classes} net, ${options.iters} iterations, batch ${options.batch}, lr ${options.lr}, seed ${options.seed}`);
  console.log(`data: ${data.source} (${trainSize} train, ${data.test.images.rows} test); backend ${backend.name}`);

  const progress = createProgress(options.iters);
  let result: TrainResult;
  try {
    result = train(net, optimizer, data, rng, { iterations: options.iters, batchSize: options.batch, evalEvery, resume }, {
      onIteration: (iteration, loss) => progress.update(iteration, loss),
      onEvaluation: (evaluation, checkpoint) => {
        progress.log(evaluationLine(evaluation));
        const { iteration, trainAccuracy, testAccuracy } = evaluation;
        writeCheckpoint(out, net, { config, metrics: { iteration, trainAccuracy, testAccuracy } }, checkpoint, optimizer, streams);
      },
    });
    writeCheckpoint(out, net, { config, metrics: { iteration: options.iters, ...result.final } }, result.end, optimizer, streams);
  } catch (error) {
    progress.stop();
    if (created) rmSync(out, { recursive: true, force: true });
    if (error instanceof DivergenceError) {
      throw new InputError(`--lr ${options.lr}: ${error.message}; the run diverged, try a smaller learning rate`);
    }
    throw error;
  }
  progress.stop();

  const seconds = { load: loadSeconds, train: result.seconds.train, evaluate: result.seconds.evaluate, total: 0 };
  const metrics = {
    config,
    evaluations: result.evaluations.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({ epoch, iteration, trainAccuracy, testAccuracy })),
    loss: Array.from(result.loss, (value) => Number(value.toPrecision(6))),
    final: result.final,
    seconds,
  };
  try {
    await writeTrainingCharts(out, metrics.evaluations, result.loss);
    seconds.total = (performance.now() - totalStart) / 1000;
    writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  } catch (error) {
    if (created) rmSync(out, { recursive: true, force: true });
    throw error;
  }

  console.log(`final: train accuracy ${result.final.trainAccuracy.toFixed(4)}, test accuracy ${result.final.testAccuracy.toFixed(4)}`);
  console.log(`time: ${seconds.total.toFixed(1)} s total (load ${seconds.load.toFixed(1)} s, train ${seconds.train.toFixed(1)} s, evaluate ${seconds.evaluate.toFixed(1)} s)`);
  console.log(`outputs: ${join(out, 'metrics.json')}, ${join(out, 'accuracy.png')}, ${join(out, 'loss.png')}, ${join(out, MODEL_FILE)}`);
}

/** The saved run's options for those not given on the command line (config keys are the option names). */
function withSavedOptions(options: TrainCliOptions, explicit: ReadonlySet<string>): TrainCliOptions {
  const saved = readModelFile(options.resume!).config as Record<string, unknown> | undefined;
  const merged: TrainCliOptions = { ...options };
  for (const key of RESUMED_OPTIONS) {
    const value = saved?.[key];
    if (!explicit.has(key) && typeof value === 'number') merged[key] = value;
  }
  return merged;
}

export function evaluationLine(e: Evaluation): string {
  const epoch = Number.isInteger(e.epoch) ? String(e.epoch) : e.epoch.toFixed(2);
  return `epoch ${epoch.padStart(2)} | iter ${String(e.iteration).padStart(6)} | train acc ${e.trainAccuracy.toFixed(4)} | test acc ${e.testAccuracy.toFixed(4)} | ${e.elapsed.toFixed(1)} s`;
}
