import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES } from '../src/io/safetensors.js';
import { Tensor } from '../src/tensor/tensor.js';

/** A file from a header (object or raw text) and a data buffer, with an optional lie about the header length. */
function craft(header: object | string, buffer: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + buffer.length);
  const view = new DataView(out.buffer);
  const length = declaredLength ?? json.length;
  view.setUint32(0, length % 2 ** 32, true);
  view.setUint32(4, Math.floor(length / 2 ** 32), true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

function refused(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (error: Error) => {
    assert.equal(error.name, 'InputError');
    assert.match(error.message, /^bad\.safetensors: /);
    assert.match(error.message, message);
    return true;
  });
}

const f32 = (count: number): Uint8Array => new Uint8Array(4 * count);

describe('safetensors: writing follows the spec byte for byte', () => {
  const W = Tensor.from([1, -2.5, 3.25, 4, 5, 6], [2, 3]);
  const b = Tensor.from([0.5, -0.5], [2], 'float64');
  const bytes = encodeSafetensors(
    [
      ['W', W],
      ['b', b],
    ],
    [['note', 'hello ✓']],
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;

  it('has an 8-byte little-endian header length, padded with spaces to 8-byte alignment', () => {
    assert.equal(headerLength % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    assert.match(text, /^\{.*\} *$/);
    assert.equal(bytes.length, 8 + headerLength + 6 * 4 + 2 * 8);
  });

  it('stores dtype, shape and buffer-relative offsets that tile the buffer, and string metadata', () => {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(header.__metadata__, { note: 'hello ✓' });
    assert.deepEqual(header.W, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header.b, { dtype: 'F64', shape: [2], data_offsets: [24, 40] });
  });

  it('stores the values little-endian', () => {
    const start = 8 + headerLength;
    assert.equal(view.getFloat32(start + 4, true), -2.5);
    assert.equal(view.getFloat64(start + 24 + 8, true), -0.5);
  });

  it('reads back the same tensors and metadata', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual([...tensors.keys()], ['W', 'b']);
    assert.deepEqual(tensors.get('W')!.shape, [2, 3]);
    assert.deepEqual([...tensors.get('W')!.data], [...W.data]);
    assert.ok(tensors.get('b')!.data instanceof Float64Array);
    assert.deepEqual([...tensors.get('b')!.data], [0.5, -0.5]);
    assert.equal(metadata.get('note'), 'hello ✓');
  });

  it('handles scalars, empty tensors and a file without metadata', () => {
    const bytes = encodeSafetensors([
      ['scalar', Tensor.from([7], [])],
      ['empty', Tensor.zeros([0, 3])],
      ['last', Tensor.from([1, 2], [2])],
    ]);
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.equal(metadata.size, 0);
    assert.deepEqual(tensors.get('scalar')!.shape, []);
    assert.equal(tensors.get('scalar')!.data[0], 7);
    assert.deepEqual(tensors.get('empty')!.shape, [0, 3]);
    assert.deepEqual([...tensors.get('last')!.data], [1, 2]);
  });

  it('accepts tensors listed in any order in the header (the spec orders by offset)', () => {
    const buffer = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const { tensors } = decodeSafetensors(craft({ second: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, first: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, buffer));
    assert.deepEqual([...tensors.get('first')!.data], [1]);
    assert.deepEqual([...tensors.get('second')!.data], [2, 3]);
  });

  it('refuses to write names that could reach a prototype', () => {
    assert.throws(() => encodeSafetensors([['__proto__', Tensor.zeros([1])]]), /not allowed/);
    assert.throws(() => encodeSafetensors([['__metadata__', Tensor.zeros([1])]]), /not allowed/);
  });
});

describe('safetensors: untrusted files are refused with a clear message', () => {
  const ok = { W: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };

  it('the well-formed file these cases tamper with is accepted', () => {
    assert.equal(decodeSafetensors(craft(ok, f32(4))).tensors.size, 1);
  });
  it('a file shorter than the length field', () => refused(new Uint8Array(5), /too short/));
  it('a header length past the end of the file', () => refused(craft(ok, f32(4), 4000), /header length 4000 runs past the end/));
  it('a truncated file (data cut off)', () => refused(craft(ok, f32(3)), /data_offsets \[0, 16\] run past the end of the data buffer \(12 bytes\)/));
  it('an absurd header length (2^40)', () => refused(craft(ok, f32(4), 2 ** 40), /header length 1099511627776 is absurd/));
  it('a header length just over the 100 MB limit', () => refused(craft(ok, f32(4), MAX_HEADER_BYTES + 1), /is absurd/));
  it('a header that is not JSON', () => refused(craft('{"W": {"dtype": "F32",', f32(4)), /header is not valid JSON/));
  it('a header that does not start with "{"', () => refused(craft(' {}'), /does not start with "\{"/));
  it('a header that is not UTF-8', () => {
    const bytes = craft('{"W\u00ff": 1}');
    bytes[8 + 3] = 0xff; // breaks the two-byte sequence of ÿ
    refused(bytes, /not valid UTF-8/);
  });
  it('a header that is a list', () => refused(craft('[1, 2]'), /does not start|must be a JSON object/));
  it('a "__proto__" key', () => refused(craft(`{"__proto__": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}`, f32(4)), /key "__proto__", which is not allowed/));
  it('a "constructor" key inside the metadata', () => refused(craft({ __metadata__: { constructor: 'x' }, ...ok }, f32(4)), /key "constructor"/));
  it('a "__proto__" key nested inside a tensor entry', () => refused(craft(`{"W": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16], "__proto__": {}}}`, f32(4)), /key "__proto__"/));
  it('metadata values that are not strings', () => refused(craft({ __metadata__: { epochs: 3 }, ...ok }, f32(4)), /"__metadata__" value "epochs" must be a string/));
  it('offsets out of range', () => refused(craft({ W: { dtype: 'F32', shape: [2, 2], data_offsets: [16, 32] } }, f32(4)), /run past the end of the data buffer/));
  it('offsets that are negative, fractional or reversed', () => {
    refused(craft({ W: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, f32(1)), /whole numbers with begin ≤ end/);
    refused(craft({ W: { dtype: 'F32', shape: [1], data_offsets: [0, 3.5] } }, f32(1)), /whole numbers/);
    refused(craft({ W: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32(1)), /begin ≤ end/);
    refused(craft({ W: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /must be \[begin, end\]/);
  });
  it('overlapping tensors', () =>
    refused(
      craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3)),
      /tensors "a" \(bytes 0\.\.8\) and "b" \(bytes 4\.\.12\) overlap/,
    ));
  it('a hole between tensors', () =>
    refused(craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(3)), /bytes 4\.\.8 of the data buffer belong to no tensor/));
  it('bytes after the last tensor', () => refused(craft(ok, f32(5)), /bytes 16\.\.20 of the data buffer belong to no tensor/));
  it('a dtype that does not match the byte count', () =>
    refused(craft({ W: { dtype: 'F64', shape: [2, 2], data_offsets: [0, 16] } }, f32(4)), /F64 × shape \[2, 2\] needs 32 bytes but data_offsets \[0, 16\] give 16/));
  it('a shape that does not match the byte count', () =>
    refused(craft({ W: { dtype: 'F32', shape: [3, 2], data_offsets: [0, 16] } }, f32(4)), /F32 × shape \[3, 2\] needs 24 bytes but data_offsets \[0, 16\] give 16/));
  it('an absurd shape, without overflowing or allocating', () =>
    refused(craft({ W: { dtype: 'F32', shape: [2 ** 40, 2 ** 40, 2 ** 40], data_offsets: [0, 16] } }, f32(4)), /needs an absurd number of bytes but data_offsets \[0, 16\] give 16/));
  it('an absurd byte range backed by a small file', () =>
    refused(craft({ W: { dtype: 'F32', shape: [2 ** 40], data_offsets: [0, 2 ** 42] } }, f32(4)), /run past the end of the data buffer \(16 bytes\)/));
  it('sizes that are not whole numbers', () => {
    refused(craft({ W: { dtype: 'F32', shape: [-2, -2], data_offsets: [0, 16] } }, f32(4)), /must hold whole numbers ≥ 0/);
    refused(craft({ W: { dtype: 'F32', shape: [2, '2'], data_offsets: [0, 16] } }, f32(4)), /must hold whole numbers ≥ 0/);
    refused(craft({ W: { dtype: 'F32', shape: 4, data_offsets: [0, 16] } }, f32(4)), /"shape" must be a list/);
  });
  it('a dtype it does not read, and one that does not exist', () => {
    refused(craft({ W: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, f32(4)), /dtype F16 is not supported \(only F32 and F64\)/);
    refused(craft({ W: { dtype: 'float', shape: [4], data_offsets: [0, 16] } }, f32(4)), /unknown dtype "float"/);
  });
  it('unknown fields in a tensor entry', () => refused(craft({ W: { dtype: 'F32', shape: [4], data_offsets: [0, 16], scale: 2 } }, f32(4)), /unknown field "scale"/));
});
