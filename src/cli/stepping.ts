// Runs a training (trainer.ts's trainSteps) from a command: the loop gives the event loop a
// turn every TURN_MS, so that Ctrl-C (interrupt.ts) can stop it between two iterations, and a
// diverged run becomes the user's one-line error.

import { InputError } from '../errors.js';
import { DivergenceError, type TrainResult, type TrainStep } from '../train/trainer.js';
import type { StopRequest } from './interrupt.js';

/**
 * Between two turns of the event loop: Ctrl-C answers within this (plus one iteration). A turn
 * costs 10–30 µs and the clock read per iteration 0.1 µs: nothing next to the reference job's
 * ~0.5 ms iterations (same train seconds with and without, measured side by side).
 */
const TURN_MS = 50;

/**
 * Between two turns while `writing()` (a checkpoint's files being written, a step of the
 * write issued at each turn): the 10–30 µs of a turn, a few times per checkpoint.
 */
const WRITING_TURN_MS = 1;

export type Stepped = { result: TrainResult; stopped?: undefined } | { stopped: TrainStep; result?: undefined };

/**
 * `learningRate`: how the run's learning rate is named in a divergence message (e.g. "--lr 0.1");
 * `writing`: whether files are being written that need the event loop to go on.
 */
export async function runSteps(
  steps: Generator<TrainStep, TrainResult, void>, stop: StopRequest, learningRate: string, writing: () => boolean = () => false,
): Promise<Stepped> {
  try {
    let turned = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) return { result: step.value };
      if (performance.now() - turned < (writing() ? WRITING_TURN_MS : TURN_MS)) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (stop.requested) return { stopped: step.value };
      turned = performance.now();
    }
  } catch (error) {
    if (error instanceof DivergenceError) throw new InputError(error.advice(learningRate));
    throw error;
  }
}
