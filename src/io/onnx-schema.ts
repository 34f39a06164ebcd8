// The part of ONNX's protobuf schema (onnx/onnx.proto) that scratchnet writes, as a
// protobufjs reflection descriptor and as TypeScript types. Field numbers and enum values
// are ONNX's; proto3 rules (repeated scalars packed), which every ONNX reader accepts.

import protobuf from 'protobufjs/light.js';

export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;
export const DataType = { FLOAT: 1, DOUBLE: 11 } as const;

export interface AttributeProto {
  name: string;
  type: (typeof AttributeType)[keyof typeof AttributeType];
  f?: number;
  i?: number;
  ints?: number[];
}

export interface NodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute?: AttributeProto[];
}

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: (typeof DataType)[keyof typeof DataType];
  rawData: Uint8Array;
}

export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

export interface ModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  docString: string;
  metadataProps: { key: string; value: string }[];
  graph: { name: string; node: NodeProto[]; initializer: TensorProto[]; input: ValueInfoProto[]; output: ValueInfoProto[] };
}

const field = (id: number, type: string, repeated = false) => (repeated ? { id, type, rule: 'repeated' } : { id, type });

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: { name: field(1, 'string'), f: field(2, 'float'), i: field(3, 'int64'), ints: field(8, 'int64', true), type: field(20, 'AttributeType') },
          nested: { AttributeType: { values: { UNDEFINED: 0, ...AttributeType } } },
        },
        ValueInfoProto: { fields: { name: field(1, 'string'), type: field(2, 'TypeProto') } },
        NodeProto: {
          fields: {
            input: field(1, 'string', true),
            output: field(2, 'string', true),
            name: field(3, 'string'),
            opType: field(4, 'string'),
            attribute: field(5, 'AttributeProto', true),
          },
        },
        StringStringEntryProto: { fields: { key: field(1, 'string'), value: field(2, 'string') } },
        OperatorSetIdProto: { fields: { domain: field(1, 'string'), version: field(2, 'int64') } },
        ModelProto: {
          fields: {
            irVersion: field(1, 'int64'),
            producerName: field(2, 'string'),
            docString: field(6, 'string'),
            graph: field(7, 'GraphProto'),
            opsetImport: field(8, 'OperatorSetIdProto', true),
            metadataProps: field(14, 'StringStringEntryProto', true),
          },
        },
        GraphProto: {
          fields: {
            node: field(1, 'NodeProto', true),
            name: field(2, 'string'),
            initializer: field(5, 'TensorProto', true),
            input: field(11, 'ValueInfoProto', true),
            output: field(12, 'ValueInfoProto', true),
          },
        },
        TensorProto: {
          fields: { dims: field(1, 'int64', true), dataType: field(2, 'int32'), name: field(8, 'string'), rawData: field(9, 'bytes') },
        },
        TensorShapeProto: {
          fields: { dim: field(1, 'Dimension', true) },
          nested: {
            Dimension: { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } }, fields: { dimValue: field(1, 'int64'), dimParam: field(2, 'string') } },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: field(1, 'Tensor') },
          nested: { Tensor: { fields: { elemType: field(1, 'int32'), shape: field(2, 'TensorShapeProto') } } },
        },
      },
    },
  },
};

const modelType = protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');

/** The model's protobuf bytes (an .onnx file). */
export function encodeModel(model: ModelProto): Uint8Array {
  return modelType.encode(model).finish();
}
