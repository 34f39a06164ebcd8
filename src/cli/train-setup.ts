// `scratchnet train`, before the first iteration: backend and data, the net (new, or the
// checkpoint's when resuming), where the run resumes, and its config for metrics.json.

import { resolve } from 'node:path';
import { type ImageData, imageCount, sampleShapeOf } from '../data/dataset.js';
import { imageRows } from '../data/image-rows.js';
import { InputError } from '../errors.js';
import { readCheckpointModel, restoreCheckpointFiles, type RandomStreams } from '../io/checkpoint-files-node.js';
import type { LoadedModel } from '../io/model-file.js';
import { buildNet, type SpecNet } from '../nets/spec.js';
import type { Kernels } from '../tensor/kernels/kernels.js';
import { Rng } from '../tensor/rng.js';
import { layerRandomStreams } from '../train/checkpoint.js';
import type { ResumePoint } from '../train/trainer.js';
import { withBackendStarting } from './backend-start.js';
import { loadData } from './load-data.js';
import { chooseModel, MODEL_KINDS, needsImageShape, resolveRun, type ModelChoice, type ModelCliOptions, type ResolvedRun } from './model-options.js';
import type { BackendChoice, DataOptions } from './options.js';
import { markPhase } from './phases.js';

export interface TrainCliOptions extends DataOptions, BackendChoice, ModelCliOptions {
  /** --eval-thread: auto (default), on or off. */
  evalThread?: 'auto' | 'on' | 'off';
  seed: number;
  out?: string;
  resume?: string;
}

/** Everything a run needs to start its first (or resumed) iteration. */
export interface TrainSetup {
  backend: Kernels;
  data: ImageData;
  loadSeconds: number;
  run: ResolvedRun;
  net: SpecNet;
  /** The batches' (and Dropout's) stream: the seed's, or the checkpoint's. */
  rng: Rng;
  streams: RandomStreams;
  iterations: number;
  resume?: ResumePoint;
  config: Record<string, unknown>;
}

interface Inputs {
  data: ImageData;
  model: ModelChoice;
  checkpoint?: LoadedModel;
  loadSeconds: number;
}

/** `explicit`: the options given on the command line (a resumed run keeps its saved learning rate otherwise). */
export async function prepareRun(options: TrainCliOptions, explicit: ReadonlySet<string>): Promise<TrainSetup> {
  const rng = new Rng(options.seed);
  const streams: RandomStreams = { training: rng };
  const { backend, loaded } = await withBackendStarting(options, () => loadInputs(options, streams));
  markPhase('threads');
  const { data, model, checkpoint, loadSeconds } = loaded;
  const trainSize = imageCount(data.train);
  if (trainSize === 0) throw new InputError(`${data.source}: the training set holds no images`);
  const run = resolveRun(model, options, { inputShape: sampleShapeOf(data.train), imageShape: data.imageShape, classes: data.classes, trainSize });
  const net = checkpoint ? checkpointNet(checkpoint, run, options) : buildNet(run.spec, { rng, init: run.init, weightDecay: run.weightDecay });
  Object.assign(streams, layerRandomStreams(net));
  checkOutputs(net, data, options.model);
  const { schedule } = run;
  const iterations = schedule.iterations ?? schedule.epochs! * Math.ceil(trainSize / schedule.batchSize);
  const resume = checkpoint && resumePoint(options, explicit, checkpoint, run, streams, iterations);
  const config = runConfig(run, options, backend, data, resume);
  return { backend, data, loadSeconds, run, net, rng, streams, iterations, resume, config };
}

/** The checkpoint (when resuming), the model choice and the data; run while the backend starts. */
async function loadInputs(options: TrainCliOptions, streams: RandomStreams): Promise<Inputs> {
  markPhase('backend');
  // A resumed run rebuilds its net from the checkpoint (its spec file need not exist any more).
  const checkpoint = options.resume ? readCheckpointModel(options.resume, streams) : undefined;
  const kind = (MODEL_KINDS as readonly string[]).includes(options.model);
  const model: ModelChoice = checkpoint && !kind ? { kind: 'file', spec: checkpoint.spec, file: options.model } : chooseModel(options.model);
  const loadStart = performance.now();
  const data = await loadData(options, { keepShape: needsImageShape(model) }, (line) => console.error(line));
  const loadSeconds = (performance.now() - loadStart) / 1000;
  markPhase('data');
  return { data, model, checkpoint, loadSeconds };
}

function checkpointNet(checkpoint: LoadedModel, run: ResolvedRun, options: TrainCliOptions): SpecNet {
  if (JSON.stringify(checkpoint.spec) !== JSON.stringify(run.spec)) {
    throw new InputError(`--resume ${options.resume}: the options describe another net than the checkpoint's; a resumed run keeps its net`);
  }
  checkpoint.net.weightDecay = run.weightDecay;
  return checkpoint.net;
}

function checkOutputs(net: SpecNet, data: ImageData, model: string): void {
  const outputs = net.predict(imageRows(data.train, 0, 1)).cols;
  if (outputs !== data.classes) throw new InputError(`--model ${model}: the net has ${outputs} outputs but the data has ${data.classes} classes`);
}

/** Restores the optimizer and random streams from the checkpoint's training state; where to go on from. */
function resumePoint(options: TrainCliOptions, explicit: ReadonlySet<string>, checkpoint: LoadedModel, run: ResolvedRun, streams: RandomStreams, iterations: number): ResumePoint {
  const resume = restoreCheckpointFiles(options.resume!, checkpoint, run.optimizer, streams);
  // The checkpoint restored the rate the run had reached (a decay may have moved it); --lr overrides it.
  if (explicit.has('lr') && options.lr !== undefined) run.optimizer.lr = options.lr;
  if (resume.iteration > iterations) {
    const { epochs } = run.schedule;
    throw new InputError(`${epochs !== undefined ? `--epochs ${epochs}` : `--iters ${iterations}`}: the checkpoint is already at iteration ${resume.iteration}`);
  }
  return resume;
}

function runConfig(run: ResolvedRun, options: TrainCliOptions, backend: Kernels, data: ImageData, resume: ResumePoint | undefined): Record<string, unknown> {
  return {
    ...run.config,
    seed: options.seed,
    backend: backend.name,
    threads: options.threads,
    data: data.source,
    trainImages: imageCount(data.train),
    testImages: imageCount(data.test),
    ...(resume ? { resumedFrom: { file: resolve(options.resume!), iteration: resume.iteration } } : {}),
  };
}
