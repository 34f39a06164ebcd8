// A checkpoint is the model file (weights) plus a training state: the optimizer's tensors,
// every random stream's position, the sampler's place in its epoch and the history so far.
// With all of them restored, a resumed run draws the same batches and makes the same updates
// as one that never stopped, so it ends with the same weights, bit for bit.

import type { OptimizerSnapshot, TrainingState } from '../io/training-state.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LayerNet } from '../nets/layer-net.js';
import { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { Evaluation, ResumePoint } from './trainer.js';

/** An optimizer that can hand over its state (velocities, Adam's moments and step count) as named tensors. */
interface StatefulOptimizer {
  state(): Record<string, Tensor>;
  loadState(state: Record<string, Tensor>): void;
}

function stateful(optimizer: Optimizer): Partial<StatefulOptimizer> {
  return optimizer as Partial<StatefulOptimizer>;
}

/**
 * The random streams a net's layers own (Dropout's masks), named by position: "layer3".
 * A checkpoint saves them beside the training stream, so resumed masks are the same masks.
 */
export function layerRandomStreams(net: LayerNet): Record<string, Rng> {
  const streams: Record<string, Rng> = {};
  net.layers.forEach((layer, position) => {
    const rng = (layer as { rng?: unknown }).rng;
    if (rng instanceof Rng) streams[`layer${position}`] = rng;
  });
  return streams;
}

/** The training state to save beside the model at `point`. */
export function checkpointState(point: ResumePoint, optimizer: Optimizer, rngs: Record<string, Rng>): TrainingState {
  const optimizerTensors = stateful(optimizer).state?.() ?? {};
  // The learning rate too: a schedule (decay per epoch) may have moved it from its start.
  const lr = (optimizer as { lr?: unknown }).lr;
  const optimizerState: OptimizerSnapshot = {
    name: optimizer.name,
    tensors: new Map(Object.entries(optimizerTensors)),
    values: new Map(typeof lr === 'number' ? [['lr', lr]] : []),
  };
  const tensors = new Map<string, Tensor>([['loss', Tensor.from(Array.from(point.loss).slice(0, point.iteration), [point.iteration])]]);
  const values = new Map<string, unknown>([['evaluations', point.evaluations]]);
  if (point.sampler) {
    values.set('samplerCursor', point.sampler.cursor);
    // Indices below 2^53 are exact in float64.
    if (point.sampler.order) tensors.set('samplerOrder', Tensor.from(point.sampler.order, [point.sampler.order.length], 'float64'));
  }
  return {
    iteration: point.iteration,
    rngs: new Map(Object.entries(rngs).map(([name, rng]) => [name, rng.state()])),
    optimizer: optimizerState,
    tensors,
    values,
  };
}

/**
 * Puts the optimizer and random streams back where `state` says and returns the point for
 * train()'s `resume` option. Throws (plain Error, for the caller to attribute to a file) when
 * the state does not fit this optimizer or these streams.
 */
export function restoreCheckpoint(state: TrainingState, optimizer: Optimizer, rngs: Record<string, Rng>): ResumePoint {
  if (state.optimizer.name !== optimizer.name) {
    throw new Error(`it was saved by optimizer "${state.optimizer.name}", this run uses "${optimizer.name}"`);
  }
  const loadState = stateful(optimizer).loadState;
  if (loadState) loadState.call(optimizer, Object.fromEntries(state.optimizer.tensors));
  else if (state.optimizer.tensors.size > 0) throw new Error(`optimizer "${optimizer.name}" keeps no state, but the file holds some`);
  const lr = state.optimizer.values.get('lr');
  if (lr !== undefined) {
    if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`the saved learning rate ${lr} is not a number > 0`);
    (optimizer as unknown as { lr: number }).lr = lr;
  }
  for (const [name, rng] of Object.entries(rngs)) {
    const saved = state.rngs.get(name);
    if (!saved) throw new Error(`no state for the random stream "${name}"`);
    rng.setState(saved);
  }
  const loss = state.tensors.get('loss');
  if (!loss || loss.size !== state.iteration) throw new Error(`the loss history must hold ${state.iteration} values`);
  const evaluations = state.values.get('evaluations');
  if (!Array.isArray(evaluations) || !evaluations.every(isEvaluation)) throw new Error('"evaluations" must be a list of evaluations');
  const cursor = state.values.get('samplerCursor');
  const order = state.tensors.get('samplerOrder');
  const sampler = cursor === undefined ? undefined : { cursor: cursor as number, order: order ? Int32Array.from(order.data) : undefined };
  return { iteration: state.iteration, loss: loss.data, evaluations: evaluations as Evaluation[], sampler };
}

function isEvaluation(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return ['epoch', 'iteration', 'trainAccuracy', 'testAccuracy', 'elapsed'].every((key) => typeof e[key] === 'number');
}
