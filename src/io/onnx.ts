// A scratchnet net as an ONNX model (protobuf via protobufjs, schema in onnx-schema.ts), for onnxruntime and every
// engine that reads ONNX. One ONNX node (or two) per layer, weights as initializers under
// the net's own names (W1, b1 …):
//
//   input  "input"          float [N, ...inputShape]
//   affine                  Flatten(axis 1) when the input has more than 2 dims, then
//                           Gemm(x, W, b) = x · W + b
//   relu / sigmoid          Relu / Sigmoid
//   conv                    Conv(x, W, b), strides and pads from the layer
//   maxpool                 MaxPool (padding cells never win, as in scratchnet's Pooling)
//   batchnorm               BatchNormalization with the running mean and variance (inference mode)
//   dropout                 nothing: inverted dropout is the identity at inference
//   output "logits"         the scores scratchnet's predict() returns (before softmax)
//   output "probabilities"  Softmax(logits) over the classes (unless probabilities: false)

import { BatchNorm } from '../layers/batch-norm.js';
import { Convolution } from '../layers/convolution.js';
import type { Layer } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { paramIndexes } from '../nets/layer-net.js';
import type { LayerSpec, SpecNet } from '../nets/spec.js';
import { Tensor, type DType } from '../tensor/tensor.js';
import { netTensors } from './model-file.js';
import { AttributeType, DataType, encodeModel, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-schema.js';

/** Opset 13: Softmax over one axis, Gemm/Flatten/Relu as used here; onnxruntime supports it fully. */
export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13. */
const IR_VERSION = 7;

export interface OnnxExportOptions {
  /** Add the "probabilities" output (Softmax of the logits). Default true. */
  probabilities?: boolean;
  /** The graph's name. */
  name?: string;
}

/** What one layer's exporter gets: its input's name and shape (with batch dimension 1). */
export interface LayerExport {
  readonly layer: Layer;
  readonly spec: LayerSpec;
  readonly input: string;
  readonly inputShape: readonly number[];
  /** The suffix of its tensor names (W1, gamma1 …), as LayerNet.params() names them. */
  readonly index: number;
  /** Name of a tensor of the net (W1, b1 …), registered once as an initializer. */
  tensor(name: string): string;
  /** Adds a node; returns the name of its (first) output. */
  node(opType: string, inputs: string[], attributes?: AttributeProto[]): string;
}

export type LayerExporter = (context: LayerExport) => string;

const exporters = new Map<string, LayerExporter>();

/** Makes a layer type exportable to ONNX. */
export function registerOnnxLayer(type: string, exporter: LayerExporter): void {
  exporters.set(type, exporter);
}

export const intAttribute = (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i });
export const intsAttribute = (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints });
export const floatAttribute = (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f });

/** Serializes `net` as an ONNX model. Throws for a layer type without an ONNX form. */
export function exportOnnx(net: SpecNet, options: OnnxExportOptions = {}): Uint8Array {
  const { probabilities = true, name = `scratchnet ${net.spec.kind}` } = options;
  const specs = net.spec.layers;
  if (specs.length !== net.layers.length) throw new Error(`ONNX export: the net has ${net.layers.length} layers but its spec lists ${specs.length}`);
  for (const spec of specs) {
    if (!exporters.has(spec.type)) throw new Error(`ONNX export: layer type "${spec.type}" has no ONNX form (exportable: ${[...exporters.keys()].join(', ')})`);
  }
  const values = new Map(netTensors(net));
  const dtype = net.params()[0]?.value.dtype ?? 'float32';
  const elemType = dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const registered = new Set<string>();
  const counts = new Map<string, number>();
  const node = (opType: string, inputs: string[], attribute: AttributeProto[] = []): string => {
    const n = (counts.get(opType) ?? 0) + 1;
    counts.set(opType, n);
    const output = `${opType.toLowerCase()}${n}`;
    nodes.push({ name: `${opType}_${n}`, opType, input: inputs, output: [output], attribute });
    return output;
  };
  const tensor = (tensorName: string): string => {
    const value = values.get(tensorName);
    if (!value) throw new Error(`ONNX export: the net has no tensor "${tensorName}"`);
    if (!registered.has(tensorName)) {
      registered.add(tensorName);
      initializers.push(tensorProto(tensorName, value));
    }
    return tensorName;
  };

  // Shapes between layers, from one forward pass on a single zero example.
  let x = Tensor.zeros([1, ...net.spec.inputShape], dtype);
  let current = 'input';
  const indexes = paramIndexes(net.layers);
  net.layers.forEach((layer, position) => {
    const exporter = exporters.get(specs[position]!.type)!;
    current = exporter({ layer, spec: specs[position]!, input: current, inputShape: x.shape, index: indexes[position]!, tensor, node });
    x = layer.forward(x, false);
  });
  const classes = x.cols;
  // The last node's output becomes "logits" (through an Identity if the last layer added no node).
  const last = nodes[nodes.length - 1];
  if (last && last.output[0] === current) last.output = ['logits'];
  else nodes.push({ name: 'Identity_output', opType: 'Identity', input: [current], output: ['logits'] });
  const outputs = [valueInfo('logits', elemType, ['N', classes])];
  if (probabilities) {
    nodes.push({ name: 'Softmax_output', opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [intAttribute('axis', 1)] });
    outputs.push(valueInfo('probabilities', elemType, ['N', classes]));
  }

  const model: ModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'scratchnet',
    docString: 'Exported by scratchnet. Output "logits": the scores before softmax; "probabilities": their softmax.',
    metadataProps: [{ key: 'scratchnet.spec', value: JSON.stringify(net.spec) }],
    graph: {
      name,
      node: nodes,
      initializer: initializers,
      input: [valueInfo('input', elemType, ['N', ...net.spec.inputShape])],
      output: outputs,
    },
  };
  return encodeModel(model);
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function tensorProto(name: string, value: Tensor): TensorProto {
  return {
    name,
    dims: [...value.shape],
    dataType: value.dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT,
    rawData: littleEndianBytes(value.data, value.dtype),
  };
}

function littleEndianBytes(data: Float32Array | Float64Array, dtype: DType): Uint8Array {
  const size = dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (size === 8) view.setFloat64(8 * i, data[i]!, true);
    else view.setFloat32(4 * i, data[i]!, true);
  }
  return out;
}

registerOnnxLayer('affine', ({ input, inputShape, index, tensor, node }) => {
  // NOTE: Gemm wants a 2-D A; Affine flattens N-D input the same way (row-major, batch first).
  const flat = inputShape.length > 2 ? node('Flatten', [input], [intAttribute('axis', 1)]) : input;
  return node('Gemm', [flat, tensor(`W${index}`), tensor(`b${index}`)]);
});
registerOnnxLayer('relu', ({ input, node }) => node('Relu', [input]));
registerOnnxLayer('sigmoid', ({ input, node }) => node('Sigmoid', [input]));
registerOnnxLayer('conv', ({ layer, input, index, tensor, node }) => {
  const conv = layer as Convolution;
  const [, , height, width] = conv.W.value.shape as [number, number, number, number];
  return node('Conv', [input, tensor(`W${index}`), tensor(`b${index}`)], [
    intsAttribute('kernel_shape', [height, width]),
    intsAttribute('strides', [conv.stride, conv.stride]),
    intsAttribute('pads', [conv.pad, conv.pad, conv.pad, conv.pad]),
  ]);
});
registerOnnxLayer('maxpool', ({ layer, input, node }) => {
  const pool = layer as Pooling;
  return node('MaxPool', [input], [
    intsAttribute('kernel_shape', [pool.size, pool.size]),
    intsAttribute('strides', [pool.stride, pool.stride]),
    intsAttribute('pads', [pool.pad, pool.pad, pool.pad, pool.pad]),
  ]);
});
registerOnnxLayer('batchnorm', ({ layer, input, index, tensor, node }) => {
  const bn = layer as BatchNorm;
  // (x − running mean) / √(running var + ε) · γ + β: scratchnet's inference mode, term for term.
  return node('BatchNormalization', [input, tensor(`gamma${index}`), tensor(`beta${index}`), tensor(`runningMean${index}`), tensor(`runningVar${index}`)], [
    floatAttribute('epsilon', bn.epsilon),
  ]);
});
registerOnnxLayer('dropout', ({ input }) => input);
