// What the parent asks of a child process and what the child answers (as JSON in a file).

import type { GemmShape, TrainJob } from './job.js';

export type SystemSpec =
  | {
      readonly kind: 'scratchnet';
      /** A kernel backend, or 'page': the browser page (wasm in a Web Worker, headless Chromium). */
      readonly backend: string;
      readonly threads: number;
      /** wasm with its sparse GEMM path off: every product dense, as in NumPy and TF.js. */
      readonly dense?: boolean;
    }
  | { readonly kind: 'tfjs'; readonly backend: 'cpu' | 'wasm'; readonly variant: TfjsVariant }
  | { readonly kind: 'numpy'; /** OpenBLAS threads; unset = its default (all cores). */ readonly threads?: number }
  | { readonly kind: 'torch'; /** torch.set_num_threads */ readonly threads: number };

/**
 * TF.js training styles: 'manual' = hand-written forward/backward with tf ops inside
 * tf.tidy; 'autodiff' = optimizer.minimize (tf.variableGrads under the hood).
 */
export type TfjsVariant = 'manual' | 'autodiff';

export interface TrainRequest {
  readonly mode: 'train';
  readonly system: SystemSpec;
  readonly job: TrainJob;
  readonly seed: number;
}

export interface MicroRequest {
  readonly mode: 'micro';
  readonly system: SystemSpec;
  readonly shapes: readonly GemmShape[];
  /** Time budget per measurement; the best of 5 rounds is kept. */
  readonly minSeconds: number;
  readonly latencySamples: number;
  readonly seed: number;
}

export type Request = TrainRequest | MicroRequest;

export interface EvaluationPoint {
  readonly iteration: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly elapsed: number;
}

export interface TrainOutcome {
  readonly iterations: number;
  /** Scheduled evaluations plus the final one. */
  readonly evaluations: number;
  /** Training loop including evaluations; data loading and process start excluded. */
  readonly wallSeconds: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /** Images classified by all evaluations together (scheduled ones may use a subset). */
  readonly evaluatedImages: number;
  readonly finalTrainAccuracy: number;
  readonly finalTestAccuracy: number;
  readonly firstLoss: number | null;
  readonly lastLoss: number | null;
  readonly peakRssMB: number;
  readonly evaluationLog?: readonly EvaluationPoint[];
  readonly versions?: Record<string, string>;
  /** A remark for the row (the page row: its browser, chart rate, …). */
  readonly note?: string;
}

export interface MicroOutcome {
  readonly gemm: readonly { shape: string; gflops: number }[];
  readonly inference: { batchImagesPerSecond: number; singleImageMicroseconds: number } | null;
  readonly peakRssMB: number;
  readonly versions?: Record<string, string>;
}

/** Label of a system in tables and charts. */
export function systemLabel(system: SystemSpec): string {
  switch (system.kind) {
    case 'scratchnet':
      if (system.backend === 'page') return `scratchnet page in Chromium ×${system.threads}`;
      return `scratchnet ${system.backend} ×${system.threads}${system.dense ? ' (dense only)' : ''}`;
    case 'tfjs':
      return `TF.js ${system.backend} (${system.variant})`;
    case 'numpy':
      return system.threads === undefined ? 'NumPy (book design)' : `NumPy ×${system.threads}${system.threads === 1 ? ' (book design, 1 BLAS thread)' : ''}`;
    case 'torch':
      return `PyTorch ×${system.threads}`;
  }
}

/** Stable id of a system, for --only and the JSON. */
export function systemId(system: SystemSpec): string {
  switch (system.kind) {
    case 'scratchnet':
      return `scratchnet-${system.backend}-${system.threads}${system.dense ? '-dense' : ''}`;
    case 'tfjs':
      return `tfjs-${system.backend}-${system.variant}`;
    case 'numpy':
      return system.threads === undefined ? 'numpy' : `numpy-${system.threads}`;
    case 'torch':
      return `torch-${system.threads}`;
  }
}
