// The live view of a run: its numbers (iteration, loss, iterations/s, time left), the
// progress bar, the loss and accuracy charts. Progress messages only record; a frame draws,
// when there is news and at most every FRAME_MS.

import { drawChart } from './line-chart.js';
import type { EvaluationPoint } from './protocol.js';

/** Smoothing of the loss line: an exponential moving average with this weight on the newest loss. */
const SMOOTHING = 0.05;
/** The live view redraws at most this often: 15 times a second (every 4th frame at 60 Hz). */
const FRAME_MS = 66;

export interface RunRecord {
  readonly iterations: number;
  readonly itersPerEpoch: number;
  readonly losses: Float32Array;
  readonly smoothed: Float32Array;
  readonly xs: Float32Array;
  /** Iterations done. */
  count: number;
  readonly started: number;
  finished?: number;
  /** Seconds the worker has computed (pauses excluded), and the trainer's own split at the end. */
  seconds: number;
  trainSeconds?: number;
  evaluateSeconds?: number;
  readonly framesAtStart: number;
  readonly busyMsAtStart: number;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const text = (id: string, value: string): void => {
  $(id).textContent = value;
};

export class LiveView {
  run: RunRecord | undefined;
  evaluations: EvaluationPoint[] = [];
  lastLoss = NaN;
  /** Frames drawn since the page opened (the bench reports them per second). */
  frames = 0;
  /** Milliseconds this thread has spent drawing and on the worker's messages (what the page costs the training, at most). */
  busyMs = 0;
  private speedSamples: { time: number; iteration: number }[] = [];
  private speed = 0;
  private dirty = true;
  private lastFrame = -Infinity;

  constructor(private readonly running: () => boolean) {
    const frame = (time: number): void => {
      requestAnimationFrame(frame);
      this.draw(time);
    };
    requestAnimationFrame(frame);
  }

  start(iterations: number, itersPerEpoch: number): void {
    this.run = {
      iterations, itersPerEpoch, count: 0, started: performance.now(), seconds: 0, framesAtStart: this.frames, busyMsAtStart: this.busyMs,
      losses: new Float32Array(iterations), smoothed: new Float32Array(iterations), xs: Float32Array.from({ length: iterations }, (_, i) => i),
    };
    this.dirty = true;
  }

  /** The losses of iterations first … first + losses.length − 1, and the count and compute time so far. */
  progress(first: number, losses: Float32Array, iteration: number, seconds: number): void {
    const run = this.run;
    if (!run) return;
    let smooth = first > 0 ? run.smoothed[first - 1]! : losses[0]!;
    for (let i = 0; i < losses.length; i++) {
      run.losses[first + i] = losses[i]!;
      smooth = first + i === 0 ? losses[i]! : (1 - SMOOTHING) * smooth + SMOOTHING * losses[i]!;
      run.smoothed[first + i] = smooth;
    }
    run.count = iteration;
    run.seconds = seconds;
    if (losses.length) this.lastLoss = losses[losses.length - 1]!;
    // Iterations per second over the last second.
    const now = performance.now();
    this.speedSamples.push({ time: now, iteration });
    while (this.speedSamples.length > 2 && now - this.speedSamples[0]!.time > 1000) this.speedSamples.shift();
    const oldest = this.speedSamples[0]!;
    const speed = now > oldest.time ? ((iteration - oldest.iteration) * 1000) / (now - oldest.time) : 0;
    if (this.running() && speed > 0) this.speed = speed;
    this.dirty = true;
  }

  evaluation(point: EvaluationPoint): void {
    this.evaluations.push(point);
    text('train-accuracy', point.trainAccuracy.toFixed(4));
    text('test-accuracy', point.testAccuracy.toFixed(4));
    this.dirty = true;
  }

  finished(seconds: number, trainSeconds: number, evaluateSeconds: number): void {
    const run = this.run;
    if (!run) return;
    Object.assign(run, { finished: performance.now(), seconds, trainSeconds, evaluateSeconds });
    text('eta', 'done');
    text('speed', (run.iterations / seconds).toFixed(0));
  }

  /** Paused or stopped: the speed starts afresh. */
  stopSpeed(): void {
    this.speedSamples = [];
    this.speed = 0;
  }

  clear(): void {
    this.run = undefined;
    this.evaluations = [];
    this.lastLoss = NaN;
    this.stopSpeed();
    for (const id of ['iteration', 'loss', 'speed', 'eta', 'train-accuracy', 'test-accuracy']) text(id, '–');
    $<HTMLProgressElement>('progress-bar').value = 0;
    this.dirty = true;
  }

  private draw(time: number): void {
    if (!this.dirty || time - this.lastFrame < FRAME_MS) return;
    this.dirty = false;
    this.lastFrame = time;
    this.frames++;
    const start = performance.now();
    const run = this.run;
    if (run && run.count > 0) {
      text('iteration', `${run.count} / ${run.iterations}`);
      text('loss', Number.isFinite(this.lastLoss) ? this.lastLoss.toFixed(4) : '–');
      if (this.running() && this.speed > 0) {
        text('speed', this.speed.toFixed(0));
        text('eta', formatSeconds((run.iterations - run.count) / this.speed));
      }
      $<HTMLProgressElement>('progress-bar').value = run.count / run.iterations;
    }
    const count = run?.count ?? 0;
    drawChart($<HTMLCanvasElement>('loss-chart'), run ? [
      { label: 'minibatch loss', color: '#2a6fdb', faint: true, x: run.xs, y: run.losses, length: count },
      { label: 'loss, smoothed', color: '#2a6fdb', x: run.xs, y: run.smoothed, length: count },
    ] : [], { xLabel: 'iteration', yLabel: 'loss', xMax: run?.iterations });
    const evaluations = this.evaluations;
    const epochs = evaluations.map((e) => e.epoch);
    drawChart($<HTMLCanvasElement>('accuracy-chart'), [
      { label: 'train', color: '#2a6fdb', dots: true, x: epochs, y: evaluations.map((e) => e.trainAccuracy), length: evaluations.length },
      { label: 'test', color: '#e07b00', dashed: true, dots: true, x: epochs, y: evaluations.map((e) => e.testAccuracy), length: evaluations.length },
    ], { xLabel: 'epoch', yLabel: 'accuracy', yRange: [0, 1], legend: 'bottom', xMax: run ? run.iterations / run.itersPerEpoch : 1 });
    this.busyMs += performance.now() - start;
  }
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}
