// Writing outputs safely: a file appears whole or not at all (temp file, then rename).

import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

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
