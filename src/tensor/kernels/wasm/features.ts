// What this JavaScript engine's WebAssembly can do, asked by validating tiny modules
// (no fetch, no compile of the real kernels).

export interface WasmFeatures {
  /** 128-bit SIMD (v128). */
  simd: boolean;
  /** Relaxed SIMD (f32x4.relaxed_madd). Node 20 needs --experimental-wasm-relaxed-simd. */
  relaxedSimd: boolean;
  /** Shared WebAssembly.Memory (SharedArrayBuffer): needed for worker threads. */
  sharedMemory: boolean;
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// One type () → v128, one function of that type.
const TYPE_AND_FUNCTION = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

/** A module whose one function body is `instructions` (then `end`). */
function moduleWith(instructions: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...instructions, 0x0b];
  const code = [0x01, body.length, ...body];
  return new Uint8Array([...HEADER, ...TYPE_AND_FUNCTION, 0x0a, code.length, ...code]);
}

/** (v128.const 0) */
const SIMD_PROBE = moduleWith(V128_ZERO);
/** (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)): opcode 0xfd 0x105. */
const RELAXED_SIMD_PROBE = moduleWith([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]);

export function detectWasmFeatures(): WasmFeatures {
  if (typeof WebAssembly !== 'object') return { simd: false, relaxedSimd: false, sharedMemory: false };
  const simd = WebAssembly.validate(SIMD_PROBE);
  return {
    simd,
    relaxedSimd: simd && WebAssembly.validate(RELAXED_SIMD_PROBE),
    sharedMemory: canShareMemory(),
  };
}

function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
