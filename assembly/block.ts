// Writing results into a block of C, shared by the dense and the sparse GEMM.

/** C = beta · C on rows [i0, i1), columns [j0, j1) (beta = 0 writes zeros, whatever C held). */
export function scaleBlock(c: usize, n: i32, beta: f32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  for (let i = i0; i < i1; i++) {
    const row = c + <usize>(i * n) * 4;
    for (let j = j0; j < j1; j++) {
      const q = row + <usize>(j * 4);
      store<f32>(q, beta == 0 ? 0 : beta * load<f32>(q));
    }
  }
}

/** Four floats of C: c = alpha · acc + beta · c (beta = 0: c's old value is not read). */
// @ts-ignore: decorator
@inline
export function update(cp: usize, acc: v128, alpha: v128, beta: f32): void {
  const scaled = f32x4.mul(acc, alpha);
  if (beta == 0) v128.store(cp, scaled);
  else if (beta == 1) v128.store(cp, f32x4.add(scaled, v128.load(cp)));
  else v128.store(cp, f32x4.add(scaled, f32x4.mul(v128.load(cp), f32x4.splat(beta))));
}
