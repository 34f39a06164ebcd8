// A small two-layer net trained on real MNIST (a subset, a few seconds), saved as a model
// file, shared by the tests of one process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ImageData } from '../../src/data/dataset.js';
import { loadMnistPackage } from '../../src/data/mnist-files.js';
import { writeModelFile } from '../../src/io/model-files-node.js';
import { TwoLayerNet } from '../../src/nets/two-layer-net.js';
import { SGD } from '../../src/optim/sgd.js';
import { Rng } from '../../src/tensor/rng.js';
import { train } from '../../src/train/trainer.js';

export interface TrainedModel {
  readonly net: TwoLayerNet;
  readonly path: string;
  readonly data: ImageData;
  readonly testAccuracy: number;
}

let cached: TrainedModel | undefined;

export function trainedModel(): TrainedModel {
  if (cached) return cached;
  const data = loadMnistPackage();
  const subset = { images: data.train.images.sliceRows(0, 10000), labels: data.train.labels.subarray(0, 10000) };
  const rng = new Rng(1);
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng });
  const result = train(net, new SGD(0.1), { train: subset, test: data.test }, rng, { iterations: 1000, batchSize: 100, evalEvery: 0 });
  const path = join(mkdtempSync(join(tmpdir(), 'scratchnet-trained-')), 'model.safetensors');
  writeModelFile(path, net, { config: { iterations: 1000, trainImages: 10000 }, metrics: result.final });
  cached = { net, path, data, testAccuracy: result.final.testAccuracy };
  return cached;
}

process.on('exit', () => {
  if (cached) rmSync(dirname(cached.path), { recursive: true, force: true });
});
