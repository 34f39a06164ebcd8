// The messages between the page (main thread) and its training worker.

import type { PageSettings } from './settings.js';

export type ToWorker =
  | { type: 'init'; backend: 'wasm' | 'js'; threads?: number }
  /** 'step': start paused and do one iteration. */
  | { type: 'train'; settings: PageSettings; mode: 'run' | 'step' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'load-model'; name: string; bytes: Uint8Array }
  | { type: 'save-model' }
  /** Four IDX files (raw or .gz) the user picked: train/test images and labels. */
  | { type: 'use-files'; files: File[] }
  /** Back to the served dataset. */
  | { type: 'use-served-data' };

/** First-layer weights as pictures: `count` tiles of height×width, row-major, one after another. */
export interface WeightTiles {
  values: Float32Array;
  count: number;
  height: number;
  width: number;
  /** "W1 columns" or "conv filters". */
  what: string;
}

export interface Snapshot {
  tiles: WeightTiles | undefined;
  /** The predicted class of each digit of the test strip. */
  strip: Int32Array;
  /** Rows: true class; columns: predicted; over the first `confusionImages` test images. */
  confusion: number[][];
  confusionImages: number;
}

export interface EvaluationPoint {
  epoch: number;
  iteration: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; threads: number; isolated: boolean }
  | { type: 'data'; source: string; trainSize: number; testSize: number; imageShape: number[]; classes: number; strip: { pixels: Float32Array; labels: Uint8Array; count: number } }
  | { type: 'status'; text: string }
  | { type: 'started'; summary: string; iterations: number; itersPerEpoch: number; inputShape: number[] }
  /** `losses` are the minibatch losses of iterations first … first + losses.length − 1. */
  | { type: 'progress'; first: number; losses: Float32Array; iteration: number; seconds: number }
  | { type: 'evaluation'; point: EvaluationPoint; final: boolean; snapshot: Snapshot }
  | { type: 'paused'; iteration: number }
  | { type: 'resumed' }
  | { type: 'finished'; trainSeconds: number; evaluateSeconds: number; seconds: number }
  | { type: 'reset' }
  | { type: 'probabilities'; id: number; values: number[] | null; why?: string }
  | { type: 'model-loaded'; name: string; summary: string; inputShape: number[]; accuracy: number | undefined; snapshot: Snapshot | undefined }
  | { type: 'model-bytes'; bytes: Uint8Array; name: string }
  | { type: 'error'; message: string; during: 'init' | 'data' | 'train' | 'model' | 'files' };
