// Evaluations beside training: the accuracies of a snapshot of the weights, computed on
// another thread while the training loop goes on (train.ts's --eval-worker; the Node
// implementation is evaluation-worker-node.ts). The trainer hands over the weights as they
// are at an evaluation's iteration and records the result when it comes back, a few
// iterations later (trainer.ts). The numbers are those of an evaluation made in place.

import type { LayerNet } from '../nets/layer-net.js';

export interface Accuracies {
  trainAccuracy: number;
  testAccuracy: number;
}

export interface BackgroundEvaluator {
  /** Starts evaluating the net's weights as they are now, on the first `limit` images of each set (Infinity: all). */
  submit(net: LayerNet, limit: number): void;
  /**
   * The accuracies of the earliest submitted evaluations that are done, in the order they were
   * submitted; first waits, blocking this thread, until at least `atLeast` of them are done.
   */
  take(atLeast: number): Accuracies[];
  /**
   * Called once every evaluation handed over is taken and none will follow: the final one is
   * made next, on the training thread (which may now take back the cores the evaluator used).
   */
  finish?(): void;
}

/**
 * Evaluations the trainer lets run at once: one more must wait for the oldest. Two keep the
 * evaluating thread busy while the weights for the next are handed over; more would only let
 * the evaluations fall further behind the training they report on.
 */
export const MAX_PENDING_EVALUATIONS = 2;
