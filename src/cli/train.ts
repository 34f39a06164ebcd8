// scratchnet train: the book's chapter 5 job (TwoLayerNet on MNIST, minibatch SGD),
// with every default of the reference job, writing metrics and charts to a run folder.

import { Command } from 'commander';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { SGD } from '../optim/sgd.js';
import { useBackend } from '../tensor/kernels/select.js';
import { Rng } from '../tensor/rng.js';
import { DivergenceError, train, type Evaluation, type TrainResult } from '../train/trainer.js';
import { writeRunCharts } from './run-charts.js';
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
}

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
    .option('--out <dir>', 'output folder (default: runs/<timestamp>)');
  addDataOptions(command);
  addBackendOptions(command);
  return command.action(async (options: TrainCliOptions) => {
    await runTrain(options);
  });
}

export async function runTrain(options: TrainCliOptions): Promise<void> {
  const totalStart = performance.now();
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
  const net = new TwoLayerNet({ inputSize, hiddenSize: options.hidden, outputSize: data.classes, weightInitStd: options.initStd, rng });
  const optimizer = new SGD(options.lr);

  const out = resolve(options.out ?? newRunFolder());
  const created = makeFolder(out);
  console.log(`scratchnet train: ${inputSize}-${options.hidden}-${data.classes} net, ${options.iters} iterations, batch ${options.batch}, lr ${options.lr}, seed ${options.seed}`);
  console.log(`data: ${data.source} (${trainSize} train, ${data.test.images.rows} test); backend ${backend.name}`);

  const progress = createProgress(options.iters);
  let result: TrainResult;
  try {
    result = train(net, optimizer, data, rng, { iterations: options.iters, batchSize: options.batch, evalEvery }, {
      onIteration: (iteration, loss) => progress.update(iteration, loss),
      onEvaluation: (evaluation) => progress.log(evaluationLine(evaluation)),
    });
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
    await writeRunCharts(out, metrics.evaluations, result.loss);
    seconds.total = (performance.now() - totalStart) / 1000;
    writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  } catch (error) {
    if (created) rmSync(out, { recursive: true, force: true });
    throw error;
  }

  console.log(`final: train accuracy ${result.final.trainAccuracy.toFixed(4)}, test accuracy ${result.final.testAccuracy.toFixed(4)}`);
  console.log(`time: ${seconds.total.toFixed(1)} s total (load ${seconds.load.toFixed(1)} s, train ${seconds.train.toFixed(1)} s, evaluate ${seconds.evaluate.toFixed(1)} s)`);
  console.log(`outputs: ${join(out, 'metrics.json')}, ${join(out, 'accuracy.png')}, ${join(out, 'loss.png')}`);
}

export function evaluationLine(e: Evaluation): string {
  const epoch = Number.isInteger(e.epoch) ? String(e.epoch) : e.epoch.toFixed(2);
  return `epoch ${epoch.padStart(2)} | iter ${String(e.iteration).padStart(6)} | train acc ${e.trainAccuracy.toFixed(4)} | test acc ${e.testAccuracy.toFixed(4)} | ${e.elapsed.toFixed(1)} s`;
}
