// Seeded pseudo-random numbers, so that `--seed N` reproduces a run bit for bit.
// xoshiro128** (Blackman & Vigna) for 32-bit state, seeded through splitmix32.

const TWO_POW_53 = 9007199254740992;

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;
  /** draws53's buffer. */
  private draws = new Float64Array(0);

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Everything that determines the numbers to come, as plain JSON-able data (for checkpoints). */
  state(): RngState {
    // NOTE: the XOR steps leave signed 32-bit words; the same bits as unsigned are the same state.
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal ?? null };
  }

  /** Continues exactly where the generator that gave `state` stood. */
  setState(state: RngState): void {
    const { s, spareNormal } = state;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff)) {
      throw new Error('Rng state: "s" must be four unsigned 32-bit integers');
    }
    if (s.every((word) => word === 0)) throw new Error('Rng state: all-zero state is not valid for xoshiro128**');
    if (spareNormal !== null && !Number.isFinite(spareNormal)) throw new Error('Rng state: "spareNormal" must be a finite number or null');
    [this.s0, this.s1, this.s2, this.s3] = s as [number, number, number, number];
    this.spareNormal = spareNormal ?? undefined;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /**
   * out[i] = uniform() > threshold ? above : below, for every i in turn: the numbers and the
   * state afterwards are those of a loop of uniform() calls (a dropout mask: ≈10× faster than
   * that loop).
   */
  fillChoice(out: Float32Array | Float64Array, threshold: number, above: number, below: number): void {
    const draws = this.draws53(out.length);
    // uniform() = n / 2⁵³ exactly (n < 2⁵³ an integer), so u > threshold ⟺ n > threshold · 2⁵³;
    // the choice by index, not a branch (a random branch mispredicts half the time).
    const bound = threshold * TWO_POW_53;
    const values = [below, above];
    for (let i = 0; i < out.length; i++) out[i] = values[+(draws[i]! > bound)]!;
  }

  /** out[i] = int(n) for every i in turn: the numbers and the state afterwards are those of that loop (a minibatch's rows). */
  fillInt(out: Int32Array, n: number): void {
    const draws = this.draws53(out.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.floor((draws[i]! / TWO_POW_53) * n);
  }

  /**
   * The integers n behind the next `count` uniform() calls (uniform() = n / 2⁵³), into a
   * buffer reused by the next call: xoshiro's steps with the state in locals, two per draw as
   * in uniform() (V8 keeps the object's fields in memory, a loop of uniform() calls ≈5× slower).
   */
  private draws53(count: number): Float64Array {
    if (this.draws.length < count) this.draws = new Float64Array(count);
    const draws = this.draws;
    let s0 = this.s0 | 0, s1 = this.s1 | 0, s2 = this.s2 | 0, s3 = this.s3 | 0;
    for (let i = 0; i < count; i++) {
      // Two steps of nextUint32, as in uniform().
      let r = Math.imul(s1, 5);
      const high = Math.imul((r << 7) | (r >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      const low = Math.imul((r << 7) | (r >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      draws[i] = high * 67108864 + low;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3 >>> 0;
    return draws;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1), Box–Muller (both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with std · N(0, 1). */
  fillNormal(out: Float32Array | Float64Array, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = std * this.normal();
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(values: Int32Array | Uint32Array | number[]): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i]!;
      values[i] = values[j]!;
      values[j] = tmp;
    }
  }
}

export interface RngState {
  /** The four 32-bit words of xoshiro128**. */
  readonly s: readonly number[];
  /** The second Box–Muller value, waiting for the next normal() call. */
  readonly spareNormal: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
