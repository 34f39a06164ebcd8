// Every layer type a model spec can name, in one table: how to build it from its spec
// entry, its ONNX form and its one-line description. A new layer type is one more entry.
//
//   { "type": "affine", "units": 50 }                                       W ~ N(0, std²), fan-in = input size
//   { "type": "relu" }, { "type": "sigmoid" }
//   { "type": "conv", "filters": 30, "size": 5, "stride": 1, "pad": 0 }   W ~ N(0, std²), fan-in C·size²
//   { "type": "maxpool", "size": 2, "stride": 2, "pad": 0 }                stride defaults to size
//   { "type": "batchnorm", "momentum": 0.9 }                               γ = 1, β = 0
//   { "type": "dropout", "ratio": 0.5 }

import { Affine } from '../layers/affine.js';
import { BatchNorm } from '../layers/batch-norm.js';
import { Convolution } from '../layers/convolution.js';
import { Dropout } from '../layers/dropout.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { Rng } from '../tensor/rng.js';
import { sizeOf } from '../tensor/tensor.js';
import { imageShape, initStd, intOption, numberOption } from './layer-options.js';
import type { LayerType, OnnxAttribute } from './layer-type.js';

const ints = (name: string, values: number[]): OnnxAttribute => ({ name, ints: values });

export const BUILT_IN_LAYER_TYPES: Record<string, LayerType> = {
  affine: {
    build(spec, inputShape, { rng, init, index, zeros }) {
      const units = intOption(spec, 'units');
      const fanIn = sizeOf(inputShape);
      if (fanIn * units > 1 << 28) throw new Error(`${fanIn}×${units} weights is absurdly large`);
      const W = zeros([fanIn, units]);
      rng.fillNormal(W.data, initStd(init, fanIn));
      return { layer: new Affine(W, zeros([units]), `Affine${index}`), outputShape: [units] };
    },
    onnx({ input, inputShape, index, tensor, node }) {
      // NOTE: Gemm wants a 2-D A; Affine flattens N-D input the same way (row-major, batch first).
      const flat = inputShape.length > 2 ? node('Flatten', [input], [{ name: 'axis', int: 1 }]) : input;
      return node('Gemm', [flat, tensor(`W${index}`), tensor(`b${index}`)]);
    },
    describe: (spec) => `affine ${spec.units}`,
  },

  relu: {
    build: (_spec, inputShape) => ({ layer: new Relu(), outputShape: [...inputShape] }),
    onnx: ({ input, node }) => node('Relu', [input]),
  },

  sigmoid: {
    build: (_spec, inputShape) => ({ layer: new Sigmoid(), outputShape: [...inputShape] }),
    onnx: ({ input, node }) => node('Sigmoid', [input]),
  },

  conv: {
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
    onnx({ layer, input, index, tensor, node }) {
      const conv = layer as Convolution;
      const [, , height, width] = conv.W.value.shape as [number, number, number, number];
      return node('Conv', [input, tensor(`W${index}`), tensor(`b${index}`)], [
        ints('kernel_shape', [height, width]),
        ints('strides', [conv.stride, conv.stride]),
        ints('pads', [conv.pad, conv.pad, conv.pad, conv.pad]),
      ]);
    },
    describe: (spec) => `conv ${spec.filters}×${spec.size}²${spec.stride && spec.stride !== 1 ? `/${spec.stride}` : ''}${spec.pad ? ` pad ${spec.pad}` : ''}`,
  },

  maxpool: {
    build(spec, inputShape) {
      imageShape(inputShape, 'maxpool');
      const size = intOption(spec, 'size');
      const layer = new Pooling({ size, stride: intOption(spec, 'stride', size), pad: intOption(spec, 'pad', 0, 0) });
      return { layer, outputShape: layer.outputShape(inputShape) };
    },
    onnx({ layer, input, node }) {
      // Padding cells never win, in ONNX's MaxPool as in Pooling.
      const pool = layer as Pooling;
      return node('MaxPool', [input], [
        ints('kernel_shape', [pool.size, pool.size]),
        ints('strides', [pool.stride, pool.stride]),
        ints('pads', [pool.pad, pool.pad, pool.pad, pool.pad]),
      ]);
    },
    describe: (spec) => `maxpool ${spec.size}`,
  },

  batchnorm: {
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
    onnx({ layer, input, index, tensor, node }) {
      // (x − running mean) / √(running var + ε) · γ + β: scratchnet's inference mode, term for term.
      const inputs = [input, tensor(`gamma${index}`), tensor(`beta${index}`), tensor(`runningMean${index}`), tensor(`runningVar${index}`)];
      return node('BatchNormalization', inputs, [{ name: 'epsilon', float: (layer as BatchNorm).epsilon }]);
    },
  },

  dropout: {
    build(spec, inputShape, { rng }) {
      const ratio = numberOption(spec, 'ratio', 0.5, 0, 1);
      // Its own stream, seeded from the build's: masks are reproducible and independent of the batch draws.
      return { layer: new Dropout(ratio, new Rng(rng.nextUint32())), outputShape: [...inputShape] };
    },
    // Inverted dropout is the identity at inference: no node.
    onnx: ({ input }) => input,
    describe: (spec) => `dropout ${spec.ratio ?? 0.5}`,
  },
};
