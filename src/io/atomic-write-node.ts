// Node-only: write a file so that readers only ever see the old file or the complete new
// one. A temporary file beside the target (rename is atomic within one filesystem), fsync,
// then rename over the target; on any failure the temporary file is removed.
// A writer killed mid-write leaves its temporary file: removeStaleTemporaries clears those.

import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeError } from '../errors.js';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const temporary = temporaryPath(path);
  try {
    const fd = openSync(temporary, 'wx');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw writeError(path, error);
  }
}

/**
 * writeFileAtomic on libuv's threads: the calling thread only issues each step (open, write,
 * fsync, close, rename) when its event loop turns. `bytes` must not change until it resolves.
 */
export async function writeFileAtomicAsync(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    const file = await open(temporary, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw writeError(path, error);
  }
}

function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

/** `.<name>.<pid>.<random>.tmp`, the temporary files of writeFileAtomic. */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-z]*\.tmp$/;

/**
 * Removes from `dir` the temporary files of writers that no longer run (a process killed
 * mid-write leaves one); a live process's are kept. Returns the names removed.
 */
export function removeStaleTemporaries(dir: string): string[] {
  const stale = readdirSync(dir).filter((name) => {
    const pid = Number(TEMPORARY.exec(name)?.[1]);
    return pid > 0 && pid !== process.pid && !processRuns(pid);
  });
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
