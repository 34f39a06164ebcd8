// The optimizers' per-element updates, float32 in linear memory.

/**
 * Adam's step (lrT folds in the bias corrections, see src/optim/adam.ts):
 *   m ← m + (1 − β1)·(g − m)     v ← v + (1 − β2)·(g² − v)     w ← w − lrT · m / (√v + ε)
 * In float32 throughout: the portable kernel rounds from float64 once per value, so the two
 * differ by a few ulps.
 */
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, length: i32, beta1: f32, beta2: f32, lrT: f32, epsilon: f32): void {
  const a1 = f32x4.splat(1 - beta1);
  const a2 = f32x4.splat(1 - beta2);
  const lr = f32x4.splat(lrT);
  const eps = f32x4.splat(epsilon);
  const vectorLength = length & ~3;
  let i = 0;
  for (; i < vectorLength; i += 4) {
    const o = <usize>(i * 4);
    const gi = v128.load(g + o);
    const mi = f32x4.add(v128.load(m + o), f32x4.mul(a1, f32x4.sub(gi, v128.load(m + o))));
    const vi = f32x4.add(v128.load(v + o), f32x4.mul(a2, f32x4.sub(f32x4.mul(gi, gi), v128.load(v + o))));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(lr, mi), f32x4.add(f32x4.sqrt(vi), eps))));
  }
  for (; i < length; i++) {
    const o = <usize>(i * 4);
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) + (1 - beta1) * (gi - load<f32>(m + o));
    const vi = load<f32>(v + o) + (1 - beta2) * (gi * gi - load<f32>(v + o));
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, load<f32>(w + o) - (lrT * mi) / (Mathf.sqrt(vi) + epsilon));
  }
}
