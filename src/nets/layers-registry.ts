// Spec entries for the chapter 7 layers and the chapter 6 regularizers:
//   { "type": "conv", "filters": 30, "size": 5, "stride": 1, "pad": 0 }   W ~ N(0, std²), fan-in C·size²
//   { "type": "maxpool", "size": 2, "stride": 2, "pad": 0 }                stride defaults to size
//   { "type": "batchnorm", "momentum": 0.9 }                               γ = 1, β = 0
//   { "type": "dropout", "ratio": 0.5 }

import { BatchNorm } from '../layers/batch-norm.js';
import { Convolution } from '../layers/convolution.js';
import { Dropout } from '../layers/dropout.js';
import { Pooling } from '../layers/pooling.js';
import { Rng } from '../tensor/rng.js';
import { registerLayer } from './registry.js';
import { initStd, intOption, type LayerSpec } from './spec.js';

/** Reads a number option in [min, max) of a layer spec. */
function numberOption(spec: LayerSpec, name: string, fallback: number, min: number, max: number): number {
  const value = spec[name] ?? fallback;
  if (typeof value !== 'number' || !(value >= min && value < max)) {
    throw new Error(`"${name}" must be a number in [${min}, ${max}), got ${JSON.stringify(spec[name])}`);
  }
  return value;
}

function imageShape(inputShape: readonly number[], type: string): [number, number, number] {
  if (inputShape.length !== 3) throw new Error(`${type} needs a C×H×W input, got [${inputShape.join(', ')}]`);
  return inputShape as [number, number, number];
}

registerLayer('conv', {
  build(spec, inputShape, { rng, init, index, zeros }) {
    const [channels] = imageShape(inputShape, 'conv');
    const filters = intOption(spec, 'filters');
    const size = intOption(spec, 'size');
    const stride = intOption(spec, 'stride', 1);
    const pad = intOption(spec, 'pad', 0, 0);
    const fanIn = channels * size * size;
    if (fanIn * filters > 1 << 28) throw new Error(`${filters}×${fanIn} weights is absurdly large`);
    const W = zeros([filters, channels, size, size]);
    rng.fillNormal(W.data, initStd(init, fanIn));
    const layer = new Convolution(W, zeros([filters]), { stride, pad }, `Convolution${index}`);
    return { layer, outputShape: layer.outputShape(inputShape) };
  },
});

registerLayer('maxpool', {
  build(spec, inputShape) {
    imageShape(inputShape, 'maxpool');
    const size = intOption(spec, 'size');
    const layer = new Pooling({ size, stride: intOption(spec, 'stride', size), pad: intOption(spec, 'pad', 0, 0) });
    return { layer, outputShape: layer.outputShape(inputShape) };
  },
});

registerLayer('batchnorm', {
  build(spec, inputShape, { index, zeros }) {
    if (inputShape.length !== 1 && inputShape.length !== 3) {
      throw new Error(`batchnorm needs a D or C×H×W input, got [${inputShape.join(', ')}]`);
    }
    const channels = inputShape[0]!;
    const gamma = zeros([channels]);
    gamma.data.fill(1);
    const momentum = numberOption(spec, 'momentum', 0.9, 0, 1);
    return { layer: new BatchNorm(gamma, zeros([channels]), momentum, `BatchNorm${index}`), outputShape: [...inputShape] };
  },
});

registerLayer('dropout', {
  build(spec, inputShape, { rng }) {
    const ratio = numberOption(spec, 'ratio', 0.5, 0, 1);
    // Its own stream, seeded from the build's: masks are reproducible and independent of the batch draws.
    return { layer: new Dropout(ratio, new Rng(rng.nextUint32())), outputShape: [...inputShape] };
  },
});

