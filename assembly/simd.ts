// The one place the two builds differ: a fused multiply-add when relaxed SIMD is on
// (f32x4.relaxed_madd, one rounding), a multiply then an add otherwise (two roundings).

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
