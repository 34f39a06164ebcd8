// The page's training worker: the same core and kernels as `scratchnet train`, stepped in
// slices of ~30 ms (trainSteps) so that between slices it answers the page: pause, step,
// predictions for the drawing pad, model files. The main thread never runs the math.
// Kernels and dataset: worker-data.ts; the wire to the page: worker-post.ts.

import {
  buildNet, DivergenceError, imageCount, imageRows, loadModelFile, needsImageShape, predictProbabilities, resolveRun, Rng, sampleShapeOf, saveModel, Tensor, trainSteps,
  type Evaluation, type ImageData, type ModelChoice, type ModelKind, type Optimizer, type SpecNet, type TrainResult, type TrainStep,
} from '../src/index.js';
import { readIdxFiles } from './idx-files.js';
import type { EvaluationPoint } from './protocol.js';
import type { PageSettings } from './settings.js';
import { asInput, snapshot } from './snapshot.js';
import { initBackend, loadData, STRIP_SIZE, useData } from './worker-data.js';
import { later, messageOf, post, scope } from './worker-post.js';

/** Work between two looks at the message queue: short enough for a pause or a prediction to wait at most this. */
const SLICE_MS = 30;
/** Loss updates to the page at most this often (20 a second: the charts' ≥ 10 updates/s with room to spare). */
const PROGRESS_MS = 50;

interface Run {
  readonly net: SpecNet;
  readonly optimizer: Optimizer;
  readonly steps: Generator<TrainStep, TrainResult, void>;
  readonly data: ImageData;
  readonly strip: Tensor;
  readonly iterations: number;
  readonly itersPerEpoch: number;
  readonly lrDecay: number;
  readonly config: Record<string, unknown>;
  readonly losses: Float32Array;
  /** Iterations done. */
  done: number;
  sent: number;
  lastPost: number;
  /** Seconds spent computing (pauses excluded). */
  seconds: number;
  paused: boolean;
  finished: boolean;
  last: EvaluationPoint | undefined;
}

let run: Run | undefined;
/** Bumped by Train and Reset: a run whose data arrives after a newer request is dropped. */
let generation = 0;
/** The net predictions use: the run's, or a loaded model. */
let model: { net: SpecNet; name: string; metrics?: EvaluationPoint } | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      initBackend(message.backend, message.threads);
      break;
    case 'train':
      generation++;
      void startRun(message.settings, message.mode);
      break;
    case 'pause':
      if (run && !run.finished && !run.paused) {
        run.paused = true;
        flushProgress(run);
        post({ type: 'paused', iteration: run.done });
      }
      break;
    case 'resume':
      if (run && !run.finished && run.paused) {
        run.paused = false;
        post({ type: 'resumed' });
        const current = run;
        later(() => pump(current));
      }
      break;
    case 'step':
      if (run && !run.finished && run.paused) stepOnce(run);
      break;
    case 'reset':
      generation++;
      run = undefined;
      model = undefined;
      post({ type: 'reset' });
      break;
    case 'predict':
      predict(message.id, message.pixels);
      break;
    case 'load-model':
      void loadModel(message.name, message.bytes);
      break;
    case 'save-model':
      saveCurrent();
      break;
    case 'use-files':
      useData(readIdxFiles(message.files), 'files');
      break;
    case 'use-served-data':
      useData(undefined, 'data');
      break;
  }
};

async function startRun(settings: PageSettings, mode: 'run' | 'step'): Promise<void> {
  const paused = mode === 'step';
  const request = generation;
  run = undefined;
  try {
    const choice: ModelChoice = { kind: settings.model as ModelKind };
    const data = await loadData(needsImageShape(choice));
    if (request !== generation) return;
    const trainSize = imageCount(data.train);
    const resolved = resolveRun(choice, settings, {
      inputShape: sampleShapeOf(data.train), imageShape: data.imageShape, classes: data.classes, trainSize,
    });
    // As `scratchnet train`: one Rng for the initial weights, then the batches.
    const rng = new Rng(settings.seed);
    const net = buildNet(resolved.spec, { rng, init: resolved.init, weightDecay: resolved.weightDecay });
    const { schedule } = resolved;
    const itersPerEpoch = schedule.epochs !== undefined ? Math.ceil(trainSize / schedule.batchSize) : Math.max(trainSize / schedule.batchSize, 1);
    const iterations = schedule.iterations ?? schedule.epochs! * Math.ceil(trainSize / schedule.batchSize);
    const strip = asInput(imageRows(data.test, 0, Math.min(STRIP_SIZE, imageCount(data.test))), net.spec.inputShape);
    const config = { ...resolved.config, seed: settings.seed, data: data.source, trainImages: trainSize, testImages: imageCount(data.test), trainedIn: 'scratchnet page' };
    const current: Run = {
      net, optimizer: resolved.optimizer, data, strip, iterations, itersPerEpoch, lrDecay: resolved.lrDecay, config,
      losses: new Float32Array(iterations), done: 0, sent: 0, lastPost: 0, seconds: 0, paused, finished: false, last: undefined,
      steps: trainSteps(net, resolved.optimizer, data, rng, schedule, {
        onIteration: (iteration, loss) => {
          current.losses[iteration] = loss;
          current.done = iteration + 1;
        },
        onEvaluation: (evaluation) => postEvaluation(current, evaluation, evaluation.iteration === iterations),
        onEpochEnd: () => (current.optimizer.lr *= current.lrDecay),
      }),
    };
    run = current;
    model = { net, name: 'the net being trained' };
    post({ type: 'started', summary: resolved.summary, iterations, itersPerEpoch, inputShape: [...net.spec.inputShape] });
    if (paused) {
      post({ type: 'paused', iteration: 0 });
      stepOnce(current);
    } else later(() => pump(current));
  } catch (error) {
    post({ type: 'error', message: messageOf(error), during: 'train' });
  }
}

function stepOnce(current: Run): void {
  const t0 = performance.now();
  guard(current, () => advance(current));
  current.seconds += (performance.now() - t0) / 1000;
  flushProgress(current);
}

function pump(current: Run): void {
  if (run !== current || current.paused || current.finished) return;
  const t0 = performance.now();
  guard(current, () => {
    while (performance.now() - t0 < SLICE_MS && !advance(current));
  });
  current.seconds += (performance.now() - t0) / 1000;
  if (performance.now() - current.lastPost >= PROGRESS_MS || current.finished) flushProgress(current);
  if (run === current && !current.paused && !current.finished) later(() => pump(current));
}

/** One iteration (with its evaluation, if due); true when the run has ended. */
function advance(current: Run): boolean {
  const step = current.steps.next();
  if (!step.done) return false;
  current.finished = true;
  const result = step.value;
  // Iterations mode: the final accuracies (all images) are not among the evaluations; epochs mode posted them already.
  if (current.last?.iteration !== current.iterations) {
    postEvaluation(current, { epoch: current.iterations / current.itersPerEpoch, iteration: current.iterations, ...result.final, elapsed: 0 }, true);
  }
  flushProgress(current);
  post({ type: 'finished', trainSeconds: result.seconds.train, evaluateSeconds: result.seconds.evaluate, seconds: current.seconds });
  return true;
}

function guard(current: Run, work: () => void): void {
  try {
    work();
  } catch (error) {
    current.finished = true;
    flushProgress(current);
    const message = error instanceof DivergenceError ? error.advice(`--lr ${current.config.lr ?? ''}`) : messageOf(error);
    post({ type: 'error', message, during: 'train' });
  }
}

function postEvaluation(current: Run, evaluation: Evaluation, final: boolean): void {
  const point = { epoch: evaluation.epoch, iteration: evaluation.iteration, trainAccuracy: evaluation.trainAccuracy, testAccuracy: evaluation.testAccuracy };
  current.last = point;
  if (model?.net === current.net) model.metrics = point;
  const shot = snapshot(current.net, current.data.test, current.strip, current.data.imageShape);
  flushProgress(current);
  post({ type: 'evaluation', point, final, snapshot: shot }, shot.tiles ? [shot.tiles.values.buffer] : []);
}

function flushProgress(current: Run): void {
  current.lastPost = performance.now();
  if (current.sent === current.done && current.done > 0) return;
  const losses = current.losses.slice(current.sent, current.done);
  post({ type: 'progress', first: current.sent, losses, iteration: current.done, seconds: current.seconds }, [losses.buffer]);
  current.sent = current.done;
}

function predict(id: number, pixels: Float32Array): void {
  if (!model) {
    post({ type: 'probabilities', id, values: null, why: 'no model yet: press Train or load a model' });
    return;
  }
  try {
    const input = asInput(new Tensor(pixels, [1, pixels.length]), model.net.spec.inputShape);
    post({ type: 'probabilities', id, values: Array.from(predictProbabilities(model.net, input).data) });
  } catch (error) {
    post({ type: 'probabilities', id, values: null, why: messageOf(error) });
  }
}

async function loadModel(name: string, bytes: Uint8Array): Promise<void> {
  try {
    const loaded = loadModelFile(bytes, name);
    run = undefined;
    model = { net: loaded.net, name };
    const inputShape = [...loaded.spec.inputShape];
    let accuracy: number | undefined;
    let shot: ReturnType<typeof snapshot> | undefined;
    // With the dataset at hand, the page measures the model on it, as `scratchnet evaluate` does.
    try {
      const data = await loadData(inputShape.length === 3);
      if (model?.net === loaded.net) {
        const test = { images: asInput(data.test.images, inputShape), labels: data.test.labels };
        const strip = test.images.sliceRows(0, Math.min(STRIP_SIZE, test.images.rows));
        accuracy = loaded.net.accuracy(test.images, test.labels);
        shot = snapshot(loaded.net, test, strip, data.imageShape);
        model.metrics = { epoch: 0, iteration: loaded.iteration ?? 0, trainAccuracy: NaN, testAccuracy: accuracy };
      }
    } catch (error) {
      post({ type: 'status', text: `${name}: loaded, not measured (${messageOf(error)})` });
    }
    const layers = loaded.spec.layers.map((layer) => layer.type).join(' → ');
    post({ type: 'model-loaded', name, summary: `${loaded.spec.inputShape.join('×')} → ${layers}`, inputShape, accuracy, snapshot: shot });
  } catch (error) {
    post({ type: 'error', message: messageOf(error), during: 'model' });
  }
}

function saveCurrent(): void {
  if (!model) {
    post({ type: 'error', message: 'no model to save yet: press Train or load a model', during: 'model' });
    return;
  }
  const current = run && run.net === model.net ? run : undefined;
  // A loaded model was measured on the test set only.
  const metrics = model.metrics && Object.fromEntries(Object.entries(model.metrics).filter(([key, value]) => key !== 'epoch' && Number.isFinite(value)));
  const bytes = saveModel(model.net, { config: current?.config, metrics, iteration: current?.done });
  post({ type: 'model-bytes', bytes, name: 'model.safetensors' }, [bytes.buffer as ArrayBuffer]);
}

