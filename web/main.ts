// The page: settings from the URL, the buttons, the worker's messages into the live view and
// the evaluation panels, the drawing pad, model files. Training runs in worker.ts; this
// thread only draws and answers input (its elements by id: page-elements.ts).

import { mnistLikePixels, sizeOf } from '../src/index.js';
import { createDrawPad } from './draw-pad.js';
import { download, wireFileInputs } from './files-ui.js';
import { LiveView } from './live-view.js';
import { renderConfusion, renderProbabilities, renderStrip, updateStrip, type Strip } from './panels.js';
import { paintImage, paintTiles } from './pictures.js';
import type { FromWorker, Snapshot, ToWorker } from './protocol.js';
import { $, buttons, fillForm, formSettings, showMessage, text } from './page-elements.js';
import { parseSettings, settingsFromQuery, settingsQuery, type PageSettings } from './settings.js';

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

/** While training, the drawing is classified again this often (the net keeps changing under it). */
const REPREDICT_MS = 250;

type Phase = 'idle' | 'starting' | 'running' | 'paused' | 'finished';
let phase: Phase = 'idle';
let worker: Worker;
let workerBackend = '';
const backend = { name: '', threads: 0 };
let hasModel = false;
/** A loaded model's accuracy on the test set, measured by the worker. */
let loadedAccuracy = NaN;
let strip: Strip | undefined;
let stripPredictions: Int32Array | undefined;
let drawing: Float32Array | undefined;
let modelInputShape: number[] = [784];
let probabilities: number[] | null = null;
let predictId = 0;
let lastPredict = 0;
let classes = 10;
const view = new LiveView(() => phase === 'running');

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

function onWorkerMessage(message: FromWorker): void {
  const start = performance.now();
  handleWorkerMessage(message);
  view.busyMs += performance.now() - start;
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
      view.start(message.iterations, message.itersPerEpoch);
      hasModel = true;
      modelInputShape = message.inputShape;
      text('summary', message.summary);
      setPhase('running');
      break;
    case 'progress':
      view.progress(message.first, message.losses, message.iteration, message.seconds);
      if (performance.now() - lastPredict > REPREDICT_MS) predictDrawing();
      break;
    case 'evaluation':
      view.evaluation(message.point);
      showSnapshot(message.snapshot);
      predictDrawing();
      break;
    case 'paused':
      setPhase('paused');
      break;
    case 'resumed':
      setPhase('running');
      break;
    case 'finished':
      view.finished(message.seconds, message.trainSeconds, message.evaluateSeconds);
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
      if (message.during === 'train' && (phase === 'starting' || phase === 'running')) setPhase(view.run ? 'finished' : 'idle');
      if (message.during === 'files') buttons.servedData.hidden = false;
      break;
  }
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

function setPhase(next: Phase): void {
  phase = next;
  if (next !== 'running') view.stopSpeed();
  buttons.train.disabled = next === 'starting' || next === 'running' || next === 'paused';
  buttons.pause.disabled = next !== 'running';
  buttons.resume.disabled = next !== 'paused';
  buttons.step.disabled = !(next === 'paused' || next === 'idle' || next === 'finished');
  buttons.reset.disabled = !(hasModel || next !== 'idle');
  buttons.save.disabled = !hasModel;
}

function clearRun(): void {
  view.clear();
  loadedAccuracy = NaN;
  stripPredictions = undefined;
  text('summary', 'no run yet');
  if (strip) updateStrip($('strip'), strip, undefined);
  $('confusion').replaceChildren();
  const tiles = $<HTMLCanvasElement>('tiles');
  tiles.getContext('2d')!.clearRect(0, 0, tiles.width, tiles.height);
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

async function loadModelFile(file: File): Promise<void> {
  showMessage('');
  post({ type: 'load-model', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
}

// Wiring.
const initial = settingsFromQuery(location.search);
fillForm(initial);
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
wireFileInputs({
  onModelFile: (file) => void loadModelFile(file),
  onIdxFiles: (files) => {
    showMessage('');
    buttons.servedData.hidden = false;
    post({ type: 'use-files', files });
  },
});

const pad = createDrawPad($<HTMLCanvasElement>('draw'), onDrawing);
buttons.clear.addEventListener('click', () => pad.clear());
renderProbabilities($('probabilities'), null, classes);

(window as unknown as { scratchnetPage: unknown }).scratchnetPage = {
  state: (): PageState => ({
    running: phase === 'running' || phase === 'starting',
    iteration: view.run?.count ?? 0,
    loss: view.lastLoss,
    trainAccuracy: view.evaluations.at(-1)?.trainAccuracy ?? NaN,
    testAccuracy: view.evaluations.at(-1)?.testAccuracy ?? loadedAccuracy,
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
  run: () => {
    const run = view.run;
    return run && {
      iterations: run.iterations,
      losses: Array.from(run.losses.subarray(0, run.count)),
      evaluations: [...view.evaluations],
      seconds: run.seconds,
      wallSeconds: run.finished ? (run.finished - run.started) / 1000 : undefined,
      trainSeconds: run.trainSeconds,
      evaluateSeconds: run.evaluateSeconds,
      chartUpdates: view.frames - run.framesAtStart,
      mainThreadSeconds: (view.busyMs - run.busyMsAtStart) / 1000,
      stripPredictions: stripPredictions ? Array.from(stripPredictions) : undefined,
    };
  },
};
