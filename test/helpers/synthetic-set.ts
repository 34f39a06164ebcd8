// A small learnable set for trainer tests: `features` uniform values per example, with +0.5
// on every third feature from its label's place (3 classes).

import type { Dataset } from '../../src/data/dataset.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

export function syntheticSet(rows: number, seed: number, features: number): Dataset {
  const rng = new Rng(seed);
  const images = Tensor.zeros([rows, features]);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = rng.int(3);
    for (let j = 0; j < features; j++) images.data[i * features + j] = rng.uniform() + (j % 3 === labels[i] ? 0.5 : 0);
  }
  return { images, labels };
}
