// scratchnet train: the book's chapter 5 job (TwoLayerNet on MNIST, minibatch SGD) with
// every default of the reference job, or with --model any net of chapters 6–7, writing
// metrics and charts to a run folder. Ctrl-C stops it with a checkpoint to resume from (interrupt.ts).

import { Command, Option } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { imageCount } from '../data/dataset.js';
import { MODEL_FILE } from '../io/checkpoint-files-node.js';
import { readModelFile } from '../io/model-files-node.js';
import { startBackgroundRenderer, type BackgroundRenderer } from '../report/background-render.js';
import { renderTrainingCharts, type TrainingChartImages, writeTrainingChartImages } from '../report/training-charts.js';
import { trainSteps, type Evaluation, type ResumePoint, type TrainResult, type TrainStep } from '../train/trainer.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { EVAL_THREAD_CHOICES, startEvaluationThread, usesEvaluationThread } from './eval-thread.js';
import type { EvaluationWorker } from '../train/evaluation-worker-node.js';
import { inRunFolder, newRunFolder, runMetrics, writeMetrics } from './files.js';
import { Interrupted, listenForStop, type StopRequest } from './interrupt.js';
import { addModelOptions, hiddenList } from './model-options.js';
import { addBackendOptions, addDataOptions, nonNegativeInt, positiveInt, positiveNumber, seedNumber } from './options.js';
import { markPhase, splitPhase } from './phases.js';
import { createProgress } from './progress.js';
import { resumeCommand, resumedOptions, runOptions } from './resume-options.js';
import { runSteps, type Stepped } from './stepping.js';
import { prepareRun, type TrainCliOptions, type TrainSetup } from './train-setup.js';

export type { TrainCliOptions } from './train-setup.js';

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
    .option('--resume <file>', `continue the run checkpointed in this ${MODEL_FILE} (with the .optimizer.safetensors beside it); options not given are the saved run's`)
    .addOption(
      new Option('--eval-thread <when>', 'evaluate on a thread of its own while training goes on (auto: with 2+ threads, for nets without convolutions)')
        .choices([...EVAL_THREAD_CHOICES])
        .default('auto'),
    );
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
  markPhase('options');
  const setup = await prepareRun(options, explicit);
  // Started once the data is in: the chart worker loads Vega and resvg while the net trains.
  // (Started with the process, its thread's start slowed the data's loading by 70–90 ms.)
  const charts = startBackgroundRenderer();
  try {
    const out = resolve(options.out ?? (options.resume ? dirname(options.resume) : newRunFolder()));
    await inRunFolder(out, () => trainInFolder({ options, explicit, setup, out, charts, totalStart }));
  } finally {
    await charts.close();
  }
}

interface Job {
  options: TrainCliOptions;
  explicit: ReadonlySet<string>;
  setup: TrainSetup;
  out: string;
  charts: BackgroundRenderer;
  totalStart: number;
}

/** What a run leaves to report: the whole run, or the part done before Ctrl-C stopped it. */
interface RunRecord {
  evaluations: readonly Evaluation[];
  loss: ArrayLike<number>;
  final?: TrainResult['final'];
  seconds: { train: number; evaluate: number };
}

type SaveCheckpoint = (point: ResumePoint, metrics: object) => void;

async function trainInFolder(job: Job): Promise<void> {
  const stop = listenForStop('stopping after this iteration, saving the run (Ctrl-C again: quit now)');
  const writer = new CheckpointWriter(job.out, job.setup.net, job.setup.run.optimizer, job.setup.streams);
  stop.beforeQuit(() => writer.settle());
  try {
    const evalThread = usesEvaluationThread(job.setup, job.options);
    printStart(job, evalThread);
    const save = checkpointSaver(job, writer);
    let charts: Promise<TrainingChartImages> | undefined;
    // Iterations mode plots no final evaluation: the charts render while it is made.
    const chartsEarly = job.setup.run.schedule.epochs === undefined;
    const renderEarly = (point: ResumePoint): void => {
      if (!chartsEarly) return;
      charts = renderTrainingCharts(point.evaluations, point.loss, (spec) => job.charts.renderPng(spec));
      charts.catch(() => {});
    };
    const evaluator = evalThread ? startEvaluationThread(job.setup, !chartsEarly) : undefined;
    let record: RunRecord;
    let outcome: Stepped;
    try {
      outcome = await trainLoop(job.setup, save, stop, evaluator, renderEarly, () => writer.writing);
      // A stopped run's checkpoint first takes the evaluations still under way.
      record = outcome.result ? saveFinished(job.setup, outcome.result, save) : saveStopped(outcome.stopped, save);
    } finally {
      await evaluator?.close();
    }
    const seconds = await writeOutputs(job, record, charts);
    // The checkpoints' files were written meanwhile: the run ends once they are on disk.
    await writer.settle();
    markPhase('writes');
    if (outcome.stopped) throw new Interrupted(stoppedLine(job, outcome.stopped.iteration + 1));
    printEnd(job, record.final!, seconds);
  } finally {
    // A run that fails still leaves its checkpoints whole (the error is the run's own).
    await writer.settle().catch(() => {});
    stop.release();
  }
}

function printStart({ options, setup }: Job, evalThread: boolean): void {
  const { run, resume, iterations, data, backend } = setup;
  console.log(`scratchnet train: ${run.summary}, seed ${options.seed}`);
  if (resume) console.log(`resuming ${options.resume} at iteration ${resume.iteration} of ${iterations}`);
  const evaluations = evalThread ? '; evaluations on a thread of their own' : '';
  console.log(`data: ${data.source} (${imageCount(data.train)} train, ${imageCount(data.test)} test); backend ${backend.name}${evaluations}`);
}

function checkpointSaver({ options, setup }: Job, writer: CheckpointWriter): SaveCheckpoint {
  const trainOptions = runOptions(options);
  return (point, metrics) => writer.save(point, { config: setup.config, metrics, trainOptions });
}

/** The training loop, a checkpoint at every evaluation; stops early on Ctrl-C. */
async function trainLoop(
  setup: TrainSetup, save: SaveCheckpoint, stop: StopRequest, evaluator: EvaluationWorker | undefined, onTrainingEnd: (point: ResumePoint) => void,
  writing: () => boolean,
): Promise<Stepped> {
  const { net, run, data, rng, iterations, resume } = setup;
  const { evalSamples } = run.schedule;
  const sampled = (evalSamples ?? Infinity) < Math.max(imageCount(data.train), imageCount(data.test)) ? ` (on the first ${evalSamples} images)` : '';
  const progress = createProgress(iterations, { from: resume?.iteration });
  const steps = trainSteps(net, run.optimizer, data, rng, { ...run.schedule, resume, evaluator }, {
    onIteration: (iteration, loss) => progress.update(iteration, loss),
    onEvaluation: (evaluation, point) => {
      progress.log(evaluationLine(evaluation) + (evaluation.iteration < iterations ? sampled : ''));
      const { iteration, trainAccuracy, testAccuracy } = evaluation;
      save(point, { iteration, trainAccuracy, testAccuracy });
    },
    onEpochEnd: () => (run.optimizer.lr *= run.lrDecay),
    onTrainingEnd,
  });
  markPhase('setup');
  try {
    return await runSteps(steps, stop, `--lr ${run.optimizer.lr}`, writing);
  } finally {
    progress.stop();
  }
}

function saveFinished(setup: TrainSetup, result: TrainResult, save: SaveCheckpoint): RunRecord {
  markPhase('train');
  splitPhase('train', 'evaluate', result.seconds.evaluate * 1000);
  save(result.end, { iteration: setup.iterations, ...result.final });
  markPhase('checkpoint');
  return result;
}

/** Ctrl-C: the checkpoint of the state the next iteration would have started from. */
function saveStopped(step: TrainStep, save: SaveCheckpoint): RunRecord {
  const point = step.checkpoint();
  save(point, { iteration: point.iteration });
  return { evaluations: point.evaluations, loss: point.loss, seconds: step.seconds() };
}

/** The charts (`rendered` already, or now), then metrics.json; returns the run's seconds. */
async function writeOutputs({ setup, out, charts, totalStart }: Job, record: RunRecord, rendered?: Promise<TrainingChartImages>): Promise<Record<string, number>> {
  const seconds = { load: setup.loadSeconds, ...record.seconds, total: 0 };
  const metrics = runMetrics(setup.config, record, seconds);
  writeTrainingChartImages(out, await (rendered ?? renderTrainingCharts(metrics.evaluations, record.loss, (spec) => charts.renderPng(spec))));
  markPhase('charts');
  seconds.total = (performance.now() - totalStart) / 1000;
  writeMetrics(out, metrics);
  markPhase('outputs');
  return seconds;
}

function stoppedLine({ options, explicit, setup, out }: Job, done: number): string {
  return `stopped at iteration ${done} of ${setup.iterations} (Ctrl-C), saved in ${out}; to continue: ${resumeCommand(join(out, MODEL_FILE), options, explicit)}`;
}

function printEnd({ out }: Job, final: TrainResult['final'], seconds: Record<string, number>): void {
  console.log(`final: train accuracy ${final.trainAccuracy.toFixed(4)}, test accuracy ${final.testAccuracy.toFixed(4)}`);
  console.log(`time: ${seconds.total!.toFixed(1)} s total (load ${seconds.load!.toFixed(1)} s, train ${seconds.train!.toFixed(1)} s, evaluate ${seconds.evaluate!.toFixed(1)} s)`);
  console.log(`outputs: ${join(out, 'metrics.json')}, ${join(out, 'accuracy.png')}, ${join(out, 'loss.png')}, ${join(out, MODEL_FILE)}`);
}

export function evaluationLine(e: Evaluation): string {
  const epoch = Number.isInteger(e.epoch) ? String(e.epoch) : e.epoch.toFixed(2);
  return `epoch ${epoch.padStart(2)} | iter ${String(e.iteration).padStart(6)} | train acc ${e.trainAccuracy.toFixed(4)} | test acc ${e.testAccuracy.toFixed(4)} | ${e.elapsed.toFixed(1)} s`;
}
