import assert from 'node:assert/strict';
import { test } from 'node:test';
import { col2im, convGeometry, im2col, type ConvGeometry } from '../src/tensor/kernels/im2col.js';
import { Rng } from '../src/tensor/rng.js';

/** The convolution written as its definition: four nested sums, zero outside the image. */
function naiveConv(x: Float64Array, N: number, g: ConvGeometry, W: Float64Array, FN: number): Float64Array {
  const { channels: C, height: H, width: Wd, filterHeight: FH, filterWidth: FW, stride: S, pad: P, outHeight: OH, outWidth: OW } = g;
  const out = new Float64Array(N * FN * OH * OW);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < FN; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let sum = 0;
          for (let c = 0; c < C; c++)
            for (let fy = 0; fy < FH; fy++)
              for (let fx = 0; fx < FW; fx++) {
                const y = oy * S + fy - P;
                const xx = ox * S + fx - P;
                if (y < 0 || y >= H || xx < 0 || xx >= Wd) continue;
                sum += W[((f * C + c) * FH + fy) * FW + fx]! * x[((n * C + c) * H + y) * Wd + xx]!;
              }
          out[((n * FN + f) * OH + oy) * OW + ox] = sum;
        }
  return out;
}

const cases = [
  { name: '3×3, stride 1, pad 0', C: 2, H: 5, W: 6, FH: 3, FW: 3, S: 1, P: 0 },
  { name: '3×3, stride 2, pad 1', C: 3, H: 7, W: 6, FH: 3, FW: 3, S: 2, P: 1 },
  { name: '5×5, stride 1, pad 2 (same size: block copies)', C: 1, H: 6, W: 6, FH: 5, FW: 5, S: 1, P: 2 },
  { name: '3×3, stride 1, pad 1, 3 channels of 5×7 (same size: block copies)', C: 3, H: 5, W: 7, FH: 3, FW: 3, S: 1, P: 1 },
  { name: '5×3, stride 1, pad 1 (same width, fewer rows: block copies)', C: 2, H: 6, W: 5, FH: 5, FW: 3, S: 1, P: 1 },
  { name: '2×2, stride 3, pad 1 (windows skip pixels)', C: 2, H: 8, W: 7, FH: 2, FW: 2, S: 3, P: 1 },
];

for (const c of cases) {
  test(`W · im2col equals the naive convolution: ${c.name}`, () => {
    const rng = new Rng(7);
    const N = 2;
    const FN = 4;
    const g = convGeometry({ channels: c.C, height: c.H, width: c.W }, { height: c.FH, width: c.FW }, c.S, c.P);
    const x = Float64Array.from({ length: N * c.C * c.H * c.W }, () => rng.normal());
    const W = Float64Array.from({ length: FN * c.C * c.FH * c.FW }, () => rng.normal());
    const positions = g.outHeight * g.outWidth;
    const columns = N * positions;
    const width = c.C * c.FH * c.FW;
    const col = Float64Array.from({ length: width * columns }, () => Number.NaN); // im2col must write every entry
    im2col(x, N, g, col);
    const expected = naiveConv(x, N, g, W, FN);
    for (let n = 0; n < N; n++)
      for (let p = 0; p < positions; p++)
        for (let f = 0; f < FN; f++) {
          let sum = 0;
          for (let k = 0; k < width; k++) sum += W[f * width + k]! * col[k * columns + n * positions + p]!;
          const want = expected[(n * FN + f) * g.outHeight * g.outWidth + p]!;
          assert.ok(Math.abs(sum - want) < 1e-12, `n ${n} f ${f} position ${p}: ${sum} vs ${want}`);
        }
  });

  test(`col2im is the adjoint of im2col (⟨im2col x, c⟩ = ⟨x, col2im c⟩): ${c.name}`, () => {
    const rng = new Rng(11);
    const N = 2;
    const g = convGeometry({ channels: c.C, height: c.H, width: c.W }, { height: c.FH, width: c.FW }, c.S, c.P);
    const x = Float64Array.from({ length: N * c.C * c.H * c.W }, () => rng.normal());
    const colSize = N * g.outHeight * g.outWidth * c.C * c.FH * c.FW;
    const col = Float64Array.from({ length: colSize }, () => rng.normal());
    const imX = new Float64Array(colSize);
    im2col(x, N, g, imX);
    const back = Float64Array.from({ length: x.length }, () => 123); // col2im must overwrite, not add to, its output
    col2im(col, N, g, back);
    let left = 0;
    let right = 0;
    for (let i = 0; i < colSize; i++) left += imX[i]! * col[i]!;
    for (let i = 0; i < x.length; i++) right += x[i]! * back[i]!;
    assert.ok(Math.abs(left - right) < 1e-9 * Math.max(1, Math.abs(left)), `${left} vs ${right}`);
  });
}

test('convGeometry: output size formula, and a window that does not fit is refused', () => {
  const g = convGeometry({ channels: 1, height: 28, width: 28 }, { height: 5, width: 5 }, 1, 0);
  assert.deepEqual([g.outHeight, g.outWidth], [24, 24]);
  const h = convGeometry({ channels: 1, height: 7, width: 9 }, { height: 3, width: 3 }, 2, 1);
  assert.deepEqual([h.outHeight, h.outWidth], [4, 5]);
  assert.throws(() => convGeometry({ channels: 1, height: 3, width: 3 }, { height: 5, width: 5 }, 1, 0), /does not fit a 3×3 input/);
});
