// A scratchnet net as an ONNX model (protobuf via protobufjs, schema in onnx-schema.ts), for
// onnxruntime and every engine that reads ONNX. Each layer adds its own nodes (its type's
// `onnx` form in nets/layer-types.ts), weights as initializers under the net's own names:
//
//   input  "input"          float [N, ...inputShape]
//   output "logits"         the scores scratchnet's predict() returns (before softmax)
//   output "probabilities"  Softmax(logits) over the classes (unless probabilities: false)

import { paramIndexes } from '../nets/layer-net.js';
import type { OnnxAttribute } from '../nets/layer-type.js';
import { layerTypes } from '../nets/registry.js';
import type { SpecNet } from '../nets/spec.js';
import { Tensor } from '../tensor/tensor.js';
import { littleEndianBytes } from './little-endian.js';
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

/** Serializes `net` as an ONNX model. Throws for a layer type without an ONNX form. */
export function exportOnnx(net: SpecNet, options: OnnxExportOptions = {}): Uint8Array {
  const { probabilities = true, name = `scratchnet ${net.spec.kind}` } = options;
  const specs = net.spec.layers;
  if (specs.length !== net.layers.length) throw new Error(`ONNX export: the net has ${net.layers.length} layers but its spec lists ${specs.length}`);
  for (const spec of specs) {
    if (!layerTypes.get(spec.type)?.onnx) {
      const exportable = [...layerTypes].filter(([, type]) => type.onnx).map(([typeName]) => typeName);
      throw new Error(`ONNX export: layer type "${spec.type}" has no ONNX form (exportable: ${exportable.join(', ')})`);
    }
  }
  const values = new Map(netTensors(net));
  const dtype = net.params()[0]?.value.dtype ?? 'float32';
  const elemType = dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;

  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const registered = new Set<string>();
  const counts = new Map<string, number>();
  const node = (opType: string, inputs: string[], attributes: OnnxAttribute[] = []): string => {
    const n = (counts.get(opType) ?? 0) + 1;
    counts.set(opType, n);
    const output = `${opType.toLowerCase()}${n}`;
    nodes.push({ name: `${opType}_${n}`, opType, input: inputs, output: [output], attribute: attributes.map(attributeProto) });
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
    const toOnnx = layerTypes.get(specs[position]!.type)!.onnx!;
    current = toOnnx({ layer, spec: specs[position]!, input: current, inputShape: x.shape, index: indexes[position]!, tensor, node });
    x = layer.forward(x, false);
  });
  const classes = x.cols;
  // The last node's output becomes "logits" (through an Identity if the last layer added no node).
  const last = nodes[nodes.length - 1];
  if (last && last.output[0] === current) last.output = ['logits'];
  else nodes.push({ name: 'Identity_output', opType: 'Identity', input: [current], output: ['logits'] });
  const outputs = [valueInfo('logits', elemType, ['N', classes])];
  if (probabilities) {
    nodes.push({ name: 'Softmax_output', opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [attributeProto({ name: 'axis', int: 1 })] });
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

function attributeProto(attribute: OnnxAttribute): AttributeProto {
  if ('int' in attribute) return { name: attribute.name, type: AttributeType.INT, i: attribute.int };
  if ('ints' in attribute) return { name: attribute.name, type: AttributeType.INTS, ints: attribute.ints };
  return { name: attribute.name, type: AttributeType.FLOAT, f: attribute.float };
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
    rawData: littleEndianBytes(value.data),
  };
}
