// Run folders: a fresh timestamped folder per run, and whether a run made its folder.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** runs/2026-11-28T09-30-00 (with -2, -3 … if taken). */
export function newRunFolder(root = 'runs', date = new Date()): string {
  const stamp = date.toISOString().slice(0, 19).replace(/:/g, '-');
  let path = join(root, stamp);
  for (let n = 2; existsSync(path); n++) path = join(root, `${stamp}-${n}`);
  return path;
}

/** Creates `dir` and reports whether it was new (so a failed run can remove only what it made). */
export function makeFolder(dir: string): boolean {
  const existed = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  return !existed;
}
