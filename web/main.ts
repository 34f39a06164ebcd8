// The page: settings from the URL, the buttons, the live charts and panels, the drawing pad
// and model files. Training runs in worker.ts; this thread only draws and answers input.

import { mnistLikePixels, sizeOf } from '../src/index.js';
import { createDrawPad } from './draw-pad.js';
import { drawChart } from './line-chart.js';
import { renderConfusion, renderProbabilities, renderStrip, updateStrip, type Strip } from './panels.js';
import { paintImage, paintTiles } from './pictures.js';
import type { EvaluationPoint, FromWorker, Snapshot, ToWorker } from './protocol.js';
import { parseSettings, SETTING_NAMES, settingsFromQuery, settingsQuery, type PageSettings, type SettingsText } from './settings.js';

/** What `window.scratchnetPage.state()` reports. */
export interface PageState {
  running: boolean;
  iteration: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  backend: string;
  threads: number;
}

/** Smoothing of the loss line: an exponential moving average with this weight on the newest loss. */
const SMOOTHING = 0.05;
/** The live view redraws at most this often: 15 times a second (every 4th frame at 60 Hz). */
const CHART_MS = 66;
/** While training, the drawing is classified again this often (the net keeps changing under it). */
const REPREDICT_MS = 250;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const buttons = {
  train: $<HTMLButtonElement>('train'), pause: $<HTMLButtonElement>('pause'), resume: $<HTMLButtonElement>('resume'),
  step: $<HTMLButtonElement>('step'), reset: $<HTMLButtonElement>('reset'), save: $<HTMLButtonElement>('save-model'),
  clear: $<HTMLButtonElement>('clear'), servedData: $<HTMLButtonElement>('served-data'),
};
const text = (id: string, value: string): void => {
  $(id).textContent = value;
};

type Phase = 'idle' | 'starting' | 'running' | 'paused' | 'finished';
let phase: Phase = 'idle';
let worker: Worker;
let workerBackend = '';
const backend = { name: '', threads: 0 };
let hasModel = false;
let run: {
  iterations: number; itersPerEpoch: number; losses: Float32Array; smoothed: Float32Array; xs: Float32Array; count: number;
  started: number; finished?: number; seconds: number; trainSeconds?: number; evaluateSeconds?: number; chartUpdatesAtStart: number; busyMsAtStart: number;
} | undefined;
let evaluations: EvaluationPoint[] = [];
let lastLoss = NaN;
/** A loaded model's accuracy on the test set, measured by the worker. */
let loadedAccuracy = NaN;
let strip: Strip | undefined;
let stripPredictions: Int32Array | undefined;
let speedSamples: { time: number; iteration: number }[] = [];
let drawing: Float32Array | undefined;
let modelInputShape: number[] = [784];
let probabilities: number[] | null = null;
let predictId = 0;
let lastPredict = 0;
let classes = 10;
let chartsDirty = false;
/** Iterations per second over the last second of progress. */
let currentSpeed = 0;
let lastChartTime = -Infinity;
/** Chart redraws since the page opened (the bench reports them per second). */
let chartUpdates = 0;

function post(message: ToWorker): void {
  worker.postMessage(message);
}

function startWorker(settings: PageSettings): void {
  worker?.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorkerMessage(event.data);
  worker.onerror = (event) => showMessage(`the training worker failed: ${event.message}`);
  workerBackend = `${settings.backend}/${settings.threads ?? ''}`;
  post({ type: 'init', backend: settings.backend, threads: settings.threads });
}

/** Milliseconds this thread has spent on the worker's messages and the charts (what the page costs the training, at most). */
let busyMs = 0;

function onWorkerMessage(message: FromWorker): void {
  const start = performance.now();
  handleWorkerMessage(message);
  busyMs += performance.now() - start;
}

function handleWorkerMessage(message: FromWorker): void {
  switch (message.type) {
    case 'ready':
      backend.name = message.backend;
      backend.threads = message.threads;
      text('backend', `backend: ${message.backend}${message.isolated ? '' : ' (page not cross-origin isolated: one thread)'}`);
      break;
    case 'status':
      text('data', message.text);
      break;
    case 'data':
      classes = message.classes;
      text('data', `dataset: ${message.source}: ${message.trainSize} train and ${message.testSize} test images of ${message.imageShape.join('×')}, ${message.classes} classes`);
      strip = { ...message.strip, height: message.imageShape.at(-2) ?? 1, width: message.imageShape.at(-1) ?? 1 };
      stripPredictions = undefined;
      renderStrip($('strip'), strip);
      break;
    case 'started':
      run = {
        iterations: message.iterations, itersPerEpoch: message.itersPerEpoch, count: 0, started: performance.now(), seconds: 0, chartUpdatesAtStart: chartUpdates, busyMsAtStart: busyMs,
        losses: new Float32Array(message.iterations), smoothed: new Float32Array(message.iterations),
        xs: Float32Array.from({ length: message.iterations }, (_, i) => i),
      };
      hasModel = true;
      modelInputShape = message.inputShape;
      text('summary', message.summary);
      setPhase('running');
      break;
    case 'progress':
      onProgress(message.first, message.losses, message.iteration, message.seconds);
      break;
    case 'evaluation':
      evaluations.push(message.point);
      text('train-accuracy', message.point.trainAccuracy.toFixed(4));
      text('test-accuracy', message.point.testAccuracy.toFixed(4));
      showSnapshot(message.snapshot);
      chartsDirty = true;
      predictDrawing();
      break;
    case 'paused':
      speedSamples = [];
      setPhase('paused');
      break;
    case 'resumed':
      setPhase('running');
      break;
    case 'finished':
      if (run) {
        run.finished = performance.now();
        run.seconds = message.seconds;
        run.trainSeconds = message.trainSeconds;
        run.evaluateSeconds = message.evaluateSeconds;
      }
      text('eta', 'done');
      text('speed', run ? (run.iterations / message.seconds).toFixed(0) : '–');
      setPhase('finished');
      predictDrawing();
      break;
    case 'reset':
      clearRun();
      hasModel = false;
      setPhase('idle');
      predictDrawing();
      break;
    case 'probabilities':
      if (message.id !== predictId) break;
      probabilities = drawing ? message.values : null;
      renderProbabilities($('probabilities'), probabilities, classes);
      text('draw-note', message.why ?? (probabilities ? `most probable: ${probabilities.indexOf(Math.max(...probabilities))}` : 'draw with the mouse, a finger or a pen'));
      break;
    case 'model-loaded':
      clearRun();
      hasModel = true;
      modelInputShape = message.inputShape;
      text('summary', `loaded ${message.name}: ${message.summary}`);
      loadedAccuracy = message.accuracy ?? NaN;
      if (message.accuracy !== undefined) text('test-accuracy', message.accuracy.toFixed(4));
      if (message.snapshot) showSnapshot(message.snapshot);
      showMessage(`${message.name} loaded${message.accuracy !== undefined ? `: test accuracy ${message.accuracy.toFixed(4)}` : ''}`, 'info');
      setPhase('idle');
      predictDrawing();
      break;
    case 'model-bytes':
      download(message.bytes, message.name);
      break;
    case 'error':
      showMessage(message.message);
      if (message.during === 'train' && (phase === 'starting' || phase === 'running')) setPhase(run ? 'finished' : 'idle');
      if (message.during === 'files') buttons.servedData.hidden = false;
      break;
  }
}

function onProgress(first: number, losses: Float32Array, iteration: number, seconds: number): void {
  if (!run) return;
  let smooth = first > 0 ? run.smoothed[first - 1]! : losses[0]!;
  for (let i = 0; i < losses.length; i++) {
    run.losses[first + i] = losses[i]!;
    smooth = first + i === 0 ? losses[i]! : (1 - SMOOTHING) * smooth + SMOOTHING * losses[i]!;
    run.smoothed[first + i] = smooth;
  }
  run.count = iteration;
  run.seconds = seconds;
  if (losses.length) lastLoss = losses[losses.length - 1]!;
  const now = performance.now();
  speedSamples.push({ time: now, iteration });
  while (speedSamples.length > 2 && now - speedSamples[0]!.time > 1000) speedSamples.shift();
  const oldest = speedSamples[0]!;
  const speed = now > oldest.time ? ((iteration - oldest.iteration) * 1000) / (now - oldest.time) : 0;
  if (phase === 'running' && speed > 0) currentSpeed = speed;
  chartsDirty = true;
  if (now - lastPredict > REPREDICT_MS) predictDrawing();
}

function showSnapshot(snapshot: Snapshot): void {
  const tiles = $<HTMLCanvasElement>('tiles');
  if (snapshot.tiles) {
    paintTiles(tiles, snapshot.tiles);
    text('tiles-note', `${snapshot.tiles.what}: ${snapshot.tiles.count} pictures of ${snapshot.tiles.height}×${snapshot.tiles.width} (white positive, black negative)`);
  }
  stripPredictions = snapshot.strip;
  if (strip) updateStrip($('strip'), strip, stripPredictions);
  renderConfusion($<HTMLTableElement>('confusion'), snapshot.confusion);
  text('confusion-note', `rows: true class; columns: predicted; on ${snapshot.confusionImages} test images`);
}

/** One frame of the live view (numbers, progress bar, charts), when there is news and at most every CHART_MS. */
function drawFrame(time: number): void {
  requestAnimationFrame(drawFrame);
  if (!chartsDirty || time - lastChartTime < CHART_MS) return;
  chartsDirty = false;
  lastChartTime = time;
  chartUpdates++;
  const start = performance.now();
  if (run && run.count > 0) {
    text('iteration', `${run.count} / ${run.iterations}`);
    text('loss', Number.isFinite(lastLoss) ? lastLoss.toFixed(4) : '–');
    if (phase === 'running' && currentSpeed > 0) {
      text('speed', currentSpeed.toFixed(0));
      text('eta', formatSeconds((run.iterations - run.count) / currentSpeed));
    }
    ($('progress-bar') as HTMLProgressElement).value = run.count / run.iterations;
  }
  const count = run?.count ?? 0;
  drawChart($<HTMLCanvasElement>('loss-chart'), run ? [
    { label: 'minibatch loss', color: '#2a6fdb', faint: true, x: run.xs, y: run.losses, length: count },
    { label: 'loss, smoothed', color: '#2a6fdb', x: run.xs, y: run.smoothed, length: count },
  ] : [], { xLabel: 'iteration', yLabel: 'loss', xMax: run?.iterations });
  const epochs = evaluations.map((e) => e.epoch);
  drawChart($<HTMLCanvasElement>('accuracy-chart'), [
    { label: 'train', color: '#2a6fdb', dots: true, x: epochs, y: evaluations.map((e) => e.trainAccuracy), length: evaluations.length },
    { label: 'test', color: '#e07b00', dashed: true, dots: true, x: epochs, y: evaluations.map((e) => e.testAccuracy), length: evaluations.length },
  ], { xLabel: 'epoch', yLabel: 'accuracy', yRange: [0, 1], legend: 'bottom', xMax: run ? run.iterations / run.itersPerEpoch : 1 });
  busyMs += performance.now() - start;
}

function setPhase(next: Phase): void {
  phase = next;
  currentSpeed = 0;
  buttons.train.disabled = next === 'starting' || next === 'running' || next === 'paused';
  buttons.pause.disabled = next !== 'running';
  buttons.resume.disabled = next !== 'paused';
  buttons.step.disabled = !(next === 'paused' || next === 'idle' || next === 'finished');
  buttons.reset.disabled = !(hasModel || next !== 'idle');
  buttons.save.disabled = !hasModel;
  if (next !== 'running') speedSamples = [];
}

function clearRun(): void {
  run = undefined;
  loadedAccuracy = NaN;
  evaluations = [];
  lastLoss = NaN;
  stripPredictions = undefined;
  for (const id of ['iteration', 'loss', 'speed', 'eta', 'train-accuracy', 'test-accuracy']) text(id, '–');
  text('summary', 'no run yet');
  ($('progress-bar') as HTMLProgressElement).value = 0;
  if (strip) updateStrip($('strip'), strip, undefined);
  $('confusion').replaceChildren();
  const tiles = $<HTMLCanvasElement>('tiles');
  tiles.getContext('2d')!.clearRect(0, 0, tiles.width, tiles.height);
  chartsDirty = true;
}

/** The form's non-empty values. */
function formSettings(): SettingsText {
  const values: SettingsText = {};
  for (const name of SETTING_NAMES) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (field?.value.trim()) values[name] = field.value.trim();
  }
  return values;
}

/** Starts a run with the form's settings (paused at iteration 0 for Step); the URL takes them. */
function train(mode: 'run' | 'step'): void {
  let settings: PageSettings;
  const given = formSettings();
  try {
    settings = parseSettings(given);
  } catch (error) {
    showMessage((error as Error).message);
    return;
  }
  history.replaceState(null, '', `${location.pathname}${settingsQuery(given)}`);
  showMessage('');
  clearRun();
  if (`${settings.backend}/${settings.threads ?? ''}` !== workerBackend) startWorker(settings);
  setPhase('starting');
  post({ type: 'train', settings, mode });
}

function predictDrawing(): void {
  lastPredict = performance.now();
  predictId++;
  if (!drawing) return;
  post({ type: 'predict', id: predictId, pixels: drawing });
}

function onDrawing(luminance: Float32Array | undefined, width: number, height: number): void {
  const side = Math.round(Math.sqrt(sizeOf(modelInputShape)));
  drawing = luminance ? mnistLikePixels(luminance, width, height, { size: side }) : undefined;
  const preview = $<HTMLCanvasElement>('draw-input');
  if (drawing) paintImage(preview, drawing, side, side);
  else preview.getContext('2d')!.clearRect(0, 0, preview.width, preview.height);
  if (!drawing) {
    probabilities = null;
    renderProbabilities($('probabilities'), null, classes);
    text('draw-note', 'draw with the mouse, a finger or a pen');
  }
  predictDrawing();
}

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function loadModelFile(file: File): Promise<void> {
  showMessage('');
  post({ type: 'load-model', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
}

function showMessage(message: string, kind: 'error' | 'info' = 'error'): void {
  const element = $('message');
  element.className = kind;
  element.textContent = message;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

// Wiring.
const initial = settingsFromQuery(location.search);
for (const name of SETTING_NAMES) {
  const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  if (field && initial[name] !== undefined) field.value = initial[name]!;
}
let startSettings: PageSettings;
try {
  startSettings = parseSettings(initial);
} catch (error) {
  showMessage(`${(error as Error).message} (in the address)`);
  startSettings = parseSettings({});
}
startWorker(startSettings);
setPhase('idle');

buttons.train.addEventListener('click', () => train('run'));
buttons.pause.addEventListener('click', () => post({ type: 'pause' }));
buttons.resume.addEventListener('click', () => post({ type: 'resume' }));
buttons.step.addEventListener('click', () => {
  if (phase === 'paused') post({ type: 'step' });
  else train('step');
});
buttons.reset.addEventListener('click', () => post({ type: 'reset' }));
buttons.save.addEventListener('click', () => post({ type: 'save-model' }));
buttons.servedData.addEventListener('click', () => {
  buttons.servedData.hidden = true;
  showMessage('');
  post({ type: 'use-served-data' });
});
$<HTMLInputElement>('load-model').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (file) void loadModelFile(file);
  input.value = '';
});
$<HTMLInputElement>('idx-files').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  input.value = '';
  showMessage('');
  buttons.servedData.hidden = false;
  post({ type: 'use-files', files });
});
const drop = $('drop');
document.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  drop.hidden = false;
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) drop.hidden = true;
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.hidden = true;
  const file = event.dataTransfer?.files[0];
  if (file) void loadModelFile(file);
});

const pad = createDrawPad($<HTMLCanvasElement>('draw'), onDrawing);
buttons.clear.addEventListener('click', () => pad.clear());
renderProbabilities($('probabilities'), null, classes);
requestAnimationFrame(drawFrame);
chartsDirty = true;

(window as unknown as { scratchnetPage: unknown }).scratchnetPage = {
  state: (): PageState => ({
    running: phase === 'running' || phase === 'starting',
    iteration: run?.count ?? 0,
    loss: lastLoss,
    trainAccuracy: evaluations.at(-1)?.trainAccuracy ?? NaN,
    testAccuracy: evaluations.at(-1)?.testAccuracy ?? loadedAccuracy,
    backend: backend.name,
    threads: backend.threads,
  }),
  probabilities: (): number[] | null => (pad.empty ? null : probabilities),
  /**
   * The run's losses so far and its timing: `seconds` computing in the worker (pauses
   * excluded), of which the trainer's own train and evaluate seconds; `wallSeconds` from start
   * to end on this thread (data loading excluded); chart redraws during the run and the
   * seconds this thread spent drawing and handling the worker's messages.
   */
  run: () => run && {
    iterations: run.iterations,
    losses: Array.from(run.losses.subarray(0, run.count)),
    evaluations: [...evaluations],
    seconds: run.seconds,
    wallSeconds: run.finished ? (run.finished - run.started) / 1000 : undefined,
    trainSeconds: run.trainSeconds,
    evaluateSeconds: run.evaluateSeconds,
    chartUpdates: chartUpdates - run.chartUpdatesAtStart,
    mainThreadSeconds: (busyMs - run.busyMsAtStart) / 1000,
    stripPredictions: stripPredictions ? Array.from(stripPredictions) : undefined,
  },
};
