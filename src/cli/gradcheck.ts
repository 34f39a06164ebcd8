// scratchnet gradcheck: the book's check of backprop against central-difference
// numerical gradients, on a few training images, in float64.

import { Command } from 'commander';
import { InputError } from '../errors.js';
import type { LayerNet } from '../nets/layer-net.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { imageCount } from '../data/dataset.js';
import { imageRows } from '../data/image-rows.js';
import { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradientCheck, type GradcheckRow } from '../train/gradcheck.js';
import { withBackendStarting } from './backend-start.js';
import { loadData } from './load-data.js';
import { createProgress } from './progress.js';
import { addBackendOptions, addDataOptions, positiveInt, positiveNumber, seedNumber, type BackendChoice, type DataOptions } from './options.js';

interface GradcheckCliOptions extends DataOptions, BackendChoice {
  images: number;
  hidden: number;
  tolerance: number;
  seed: number;
}

export function gradcheckCommand(): Command {
  const command = new Command('gradcheck')
    .description('check backprop against numerical gradients (central differences, float64); exit 1 when a parameter is off')
    .option('--images <n>', 'training images to check on', positiveInt, 3)
    .option('--hidden <n>', 'hidden units of the two-layer net', positiveInt, 50)
    .option('--tolerance <x>', 'largest mean |backprop − numerical| accepted per parameter', positiveNumber, 1e-7)
    .option('--seed <n>', 'random seed of the initial weights', seedNumber, 1);
  addDataOptions(command);
  addBackendOptions(command);
  return command.action(async (options: GradcheckCliOptions) => {
    const { loaded: data } = await withBackendStarting(options, () => loadData(options));
    const count = Math.min(options.images, imageCount(data.train));
    if (count === 0) throw new InputError(`${data.source}: the training set holds no images`);
    const x = imageRows(data.train, 0, count).as('float64');
    const t = data.train.labels.subarray(0, count);
    const inputSize = x.cols;
    const net = new TwoLayerNet({ inputSize, hiddenSize: options.hidden, outputSize: data.classes, dtype: 'float64', rng: new Rng(options.seed) });
    console.log(`gradcheck: two-layer net ${inputSize}-${options.hidden}-${data.classes}, ${count} training image(s), float64, central differences h = 1e-4`);
    const weights = net.params().reduce((sum, p) => sum + p.value.data.length, 0);
    const progress = createProgress(weights, { label: 'numerical gradient', unit: 'weights', loss: false });
    let result: { rows: GradcheckRow[]; ok: boolean };
    try {
      result = checkGradients(net, x, t, options.tolerance, (done) => progress.update(done - 1));
    } finally {
      progress.stop();
    }
    const { rows, ok } = result;
    for (const row of rows) {
      console.log(`${row.name.padEnd(4)} mean |backprop - numerical| = ${row.meanAbsDiff.toExponential(2)}   (max ${row.maxAbsDiff.toExponential(2)}, max relative ${row.maxRelativeDiff.toExponential(2)})`);
    }
    if (ok) {
      console.log(`ok: every parameter within tolerance ${options.tolerance}`);
    } else {
      const bad = rows.filter((row) => !(row.meanAbsDiff <= options.tolerance)).map((row) => row.name);
      console.log(`FAILED: ${bad.join(', ')} exceed${bad.length === 1 ? 's' : ''} tolerance ${options.tolerance}`);
      process.exitCode = 1;
    }
  });
}

/** Runs the check and judges it: every parameter's mean difference must be within tolerance (NaN fails). */
export function checkGradients(
  net: LayerNet, x: Tensor, t: Uint8Array | Int32Array, tolerance: number, onWeight?: (done: number, total: number) => void,
): { rows: GradcheckRow[]; ok: boolean } {
  const rows = gradientCheck(net, x, t, 1e-4, onWeight);
  return { rows, ok: rows.every((row) => row.meanAbsDiff <= tolerance) };
}
