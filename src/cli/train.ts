// scratchnet train: the book's chapter 5 job (TwoLayerNet on MNIST, minibatch SGD) with
// every default of the reference job, or with --model any net of chapters 6–7, writing
// metrics and charts to a run folder.

import { Command } from 'commander';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { LoadedModel } from '../io/model-file.js';
import { readModelFile } from '../io/model-files-node.js';
import { buildNet, type SpecNet } from '../nets/spec.js';
import { Rng } from '../tensor/rng.js';
import { layerRandomStreams } from '../train/checkpoint.js';
import { DivergenceError, train, type Evaluation, type ResumePoint, type TrainResult } from '../train/trainer.js';
import { MODEL_FILE, readCheckpointModel, restoreCheckpointFiles, writeCheckpoint } from './checkpoint-files.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { makeFolder, newRunFolder } from './files.js';
import { withBackendStarting } from './backend-start.js';
import { loadData } from './load-data.js';
import { addBackendOptions, addDataOptions, nonNegativeInt, positiveInt, positiveNumber, seedNumber, type BackendChoice, type DataOptions } from './options.js';
import { addModelOptions, chooseModel, hiddenList, MODEL_KINDS, needsImageShape, resolveRun, type ModelChoice, type ModelCliOptions } from './model-options.js';
import { resumedOptions, runOptions } from './resume-options.js';
import { startBackgroundRenderer, type BackgroundRenderer } from '../report/background-render.js';
import { writeTrainingCharts } from '../report/training-charts.js';
import { markPhase, splitPhase } from './phases.js';
import { createProgress } from './progress.js';

export interface TrainCliOptions extends DataOptions, BackendChoice, ModelCliOptions {
  seed: number;
  out?: string;
  resume?: string;
}

export function trainCommand(): Command {
  const command = new Command('train')
    .description("train the book's two-layer net (or --model mlp, cnn …) on MNIST and write metrics.json, accuracy.png and loss.png")
    .option('--hidden <sizes>', 'hidden units: 50 (two-layer), 100,100 (mlp: a list), 100 (cnn, simple-cnn)', hiddenList)
    .option('--iters <n>', 'training iterations, batches drawn with replacement (two-layer: 10000)', positiveInt)
    .option('--batch <n>', 'minibatch size (100)', positiveInt)
    .option('--lr <x>', "learning rate (two-layer: 0.1; else the optimizer's book default: adam 0.001, others 0.01)", positiveNumber)
    .option('--init-std <x>', 'initial weights ~ std · N(0, 1) (0.01)', positiveNumber)
    .option('--eval-every <n>', 'evaluate on all train and test images every n iterations, 0 = only at the end (default: one epoch, train size / batch)', nonNegativeInt)
    .option('--seed <n>', 'random seed: the same seed gives the same numbers', seedNumber, 1)
    .option('--out <dir>', "output folder (default: runs/<timestamp>; with --resume, the checkpoint's folder)")
    .option('--resume <file>', `continue the run checkpointed in this ${MODEL_FILE} (with the .optimizer.safetensors beside it); options not given are the saved run's`);
  addModelOptions(command, { positiveInt, positiveNumber });
  addDataOptions(command);
  addBackendOptions(command);
  return command.action(async (options: TrainCliOptions, self: Command) => {
    const explicit = new Set(Object.keys(options).filter((key) => self.getOptionValueSource(key) === 'cli'));
    if (options.resume) options = resumedOptions(options, explicit, readModelFile(options.resume).trainOptions, self, options.resume);
    await runTrain(options, explicit);
  });
}

/** `explicit`: the options given on the command line (a resumed run keeps its saved learning rate otherwise). */
export async function runTrain(options: TrainCliOptions, explicit: ReadonlySet<string> = new Set()): Promise<void> {
  const totalStart = performance.now();
  // Started first: the chart worker loads Vega and resvg while data loads and the net trains.
  const charts = startBackgroundRenderer();
  try {
    await trainAndReport(options, explicit, charts, totalStart);
  } finally {
    await charts.close();
  }
}

async function trainAndReport(options: TrainCliOptions, explicit: ReadonlySet<string>, charts: BackgroundRenderer, totalStart: number): Promise<void> {
  markPhase('options');
  // A resumed run rebuilds its net from the checkpoint (its spec file need not exist any more).
  let checkpoint: LoadedModel | undefined;
  const rng = new Rng(options.seed);
  const streams: Record<string, Rng> = { training: rng };
  let model!: ModelChoice;
  let loadSeconds = 0;
  const { backend, loaded: data } = await withBackendStarting(options, async () => {
    markPhase('backend');
    if (options.resume) checkpoint = readCheckpointModel(options.resume, streams);
    model = checkpoint && !(MODEL_KINDS as readonly string[]).includes(options.model) ? { kind: 'file', spec: checkpoint.spec, file: options.model } : chooseModel(options.model);
    const loadStart = performance.now();
    const loadedData = await loadData(options, { keepShape: needsImageShape(model) }, (line) => console.error(line));
    loadSeconds = (performance.now() - loadStart) / 1000;
    markPhase('data');
    return loadedData;
  });
  markPhase('threads');
  const trainSize = data.train.images.rows;
  if (trainSize === 0) throw new InputError(`${data.source}: the training set holds no images`);
  const inputShape = data.train.images.shape.slice(1);
  const run = resolveRun(model, options, { inputShape, imageShape: data.imageShape, classes: data.classes, trainSize });
  const config = {
    ...run.config,
    seed: options.seed,
    backend: backend.name,
    threads: options.threads,
    data: data.source,
    trainImages: trainSize,
    testImages: data.test.images.rows,
  };

  let net: SpecNet;
  if (checkpoint) {
    if (JSON.stringify(checkpoint.spec) !== JSON.stringify(run.spec)) {
      throw new InputError(`--resume ${options.resume}: the options describe another net than the checkpoint's; a resumed run keeps its net`);
    }
    net = checkpoint.net;
    net.weightDecay = run.weightDecay;
  } else {
    net = buildNet(run.spec, { rng, init: run.init, weightDecay: run.weightDecay });
  }
  Object.assign(streams, layerRandomStreams(net));
  const outputs = net.predict(data.train.images.sliceRows(0, 1)).cols;
  if (outputs !== data.classes) throw new InputError(`--model ${options.model}: the net has ${outputs} outputs but the data has ${data.classes} classes`);
  const optimizer = run.optimizer;
  const { schedule } = run;
  const iterations = schedule.iterations ?? schedule.epochs! * Math.ceil(trainSize / schedule.batchSize);
  let resume: ResumePoint | undefined;
  if (checkpoint) {
    resume = restoreCheckpointFiles(options.resume!, checkpoint, optimizer, streams);
    // The checkpoint restored the rate the run had reached (a decay may have moved it); --lr overrides it.
    if (explicit.has('lr') && options.lr !== undefined) optimizer.lr = options.lr;
    if (resume.iteration > iterations) {
      throw new InputError(`${schedule.epochs !== undefined ? `--epochs ${schedule.epochs}` : `--iters ${iterations}`}: the checkpoint is already at iteration ${resume.iteration}`);
    }
    Object.assign(config, { resumedFrom: { file: resolve(options.resume!), iteration: resume.iteration } });
  }
  const trainOptions = runOptions(options);

  const out = resolve(options.out ?? (options.resume ? dirname(options.resume) : newRunFolder()));
  const created = makeFolder(out);
  console.log(`scratchnet train: ${run.summary}, seed ${options.seed}`);
  if (resume) console.log(`resuming ${options.resume} at iteration ${resume.iteration} of ${iterations}`);
  console.log(`data: ${data.source} (${trainSize} train, ${data.test.images.rows} test); backend ${backend.name}`);

  const startLr = optimizer.lr;
  const sampled = (schedule.evalSamples ?? Infinity) < Math.max(trainSize, data.test.images.rows) ? ` (on the first ${schedule.evalSamples} images)` : '';
  const progress = createProgress(iterations, { from: resume?.iteration });
  let result: TrainResult;
  markPhase('setup');
  try {
    result = train(net, optimizer, data, rng, { ...schedule, resume }, {
      onIteration: (iteration, loss) => progress.update(iteration, loss),
      onEvaluation: (evaluation, point) => {
        progress.log(evaluationLine(evaluation) + (evaluation.iteration < iterations ? sampled : ''));
        const { iteration, trainAccuracy, testAccuracy } = evaluation;
        writeCheckpoint(out, net, { config, metrics: { iteration, trainAccuracy, testAccuracy }, trainOptions }, point, optimizer, streams);
      },
      onEpochEnd: () => (optimizer.lr *= run.lrDecay),
    });
    markPhase('train');
    splitPhase('train', 'evaluate', result.seconds.evaluate * 1000);
    writeCheckpoint(out, net, { config, metrics: { iteration: iterations, ...result.final }, trainOptions }, result.end, optimizer, streams);
  } catch (error) {
    progress.stop();
    if (created) rmSync(out, { recursive: true, force: true });
    if (error instanceof DivergenceError) {
      throw new InputError(`--lr ${startLr}: ${error.message}; the run diverged, try a smaller learning rate`);
    }
    throw error;
  }
  progress.stop();
  markPhase('checkpoint');

  const seconds = { load: loadSeconds, train: result.seconds.train, evaluate: result.seconds.evaluate, total: 0 };
  const metrics = {
    config,
    evaluations: result.evaluations.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({ epoch, iteration, trainAccuracy, testAccuracy })),
    loss: Array.from(result.loss, (value) => Number(value.toPrecision(6))),
    final: result.final,
    seconds,
  };
  try {
    await writeTrainingCharts(out, metrics.evaluations, result.loss, (spec) => charts.renderPng(spec));
    markPhase('charts');
    seconds.total = (performance.now() - totalStart) / 1000;
    writeFileAtomic(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    markPhase('outputs');
  } catch (error) {
    if (created) rmSync(out, { recursive: true, force: true });
    throw error;
  }

  console.log(`final: train accuracy ${result.final.trainAccuracy.toFixed(4)}, test accuracy ${result.final.testAccuracy.toFixed(4)}`);
  console.log(`time: ${seconds.total.toFixed(1)} s total (load ${seconds.load.toFixed(1)} s, train ${seconds.train.toFixed(1)} s, evaluate ${seconds.evaluate.toFixed(1)} s)`);
  console.log(`outputs: ${join(out, 'metrics.json')}, ${join(out, 'accuracy.png')}, ${join(out, 'loss.png')}, ${join(out, MODEL_FILE)}`);
}

export function evaluationLine(e: Evaluation): string {
  const epoch = Number.isInteger(e.epoch) ? String(e.epoch) : e.epoch.toFixed(2);
  return `epoch ${epoch.padStart(2)} | iter ${String(e.iteration).padStart(6)} | train acc ${e.trainAccuracy.toFixed(4)} | test acc ${e.testAccuracy.toFixed(4)} | ${e.elapsed.toFixed(1)} s`;
}
