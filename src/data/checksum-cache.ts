// Node-only: remembers the MD5 of files already hashed, so that the 55 MB of MNIST is hashed
// once, not on every run. An entry holds only while the file is the same one, unchanged:
// same device, inode, size, modification and status-change times (the status-change time
// moves on any write and cannot be set back, so a file rewritten with its old mtime still
// misses). A cache that is missing, unreadable, corrupt or unwritable only means hashing again.
// NOTE: this guards against damaged or replaced files, not an attacker who can write the cache.

import { mkdirSync, readFileSync, type BigIntStats } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write-node.js';

const FILE = 'checksums.json';
const VERSION = 1;

/** $XDG_CACHE_HOME/scratchnet, else ~/.cache/scratchnet. */
export function scratchnetCacheFolder(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'scratchnet');
}

interface Entry {
  /** dev:ino:size:mtimeNs:ctimeNs */
  readonly key: string;
  readonly md5: string;
}

function fileKey(stats: BigIntStats): string {
  return [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':');
}

export class ChecksumCache {
  private entries: Record<string, Entry> | undefined;

  /** `folder`: where checksums.json lives; undefined = no cache (always hash). */
  constructor(private readonly folder: string | undefined) {}

  /** The MD5 recorded for this file as it is now (`stats` from an fstat of the open file), if any. */
  md5(path: string, stats: BigIntStats): string | undefined {
    const entry = this.load()[resolve(path)];
    return entry && entry.key === fileKey(stats) ? entry.md5 : undefined;
  }

  /** Records the MD5 of the file as it was when `stats` was taken. Failing to save is not an error. */
  remember(path: string, stats: BigIntStats, md5: string): void {
    if (this.folder === undefined) return;
    // Re-read: another process may have added entries since.
    this.entries = undefined;
    const entries = { ...this.load(), [resolve(path)]: { key: fileKey(stats), md5 } };
    this.entries = entries;
    try {
      mkdirSync(this.folder, { recursive: true });
      writeFileAtomic(join(this.folder, FILE), `${JSON.stringify({ version: VERSION, files: entries }, null, 1)}\n`);
    } catch {
      // an unwritable cache: the next run hashes again
    }
  }

  private load(): Record<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = Object.create(null) as Record<string, Entry>;
    if (this.folder === undefined) return this.entries;
    try {
      const saved = JSON.parse(readFileSync(join(this.folder, FILE), 'utf8')) as { version?: unknown; files?: unknown };
      if (saved?.version !== VERSION || typeof saved.files !== 'object' || saved.files === null) return this.entries;
      for (const [path, entry] of Object.entries(saved.files as Record<string, Partial<Entry>>)) {
        if (typeof entry?.key === 'string' && typeof entry.md5 === 'string') this.entries[path] = { key: entry.key, md5: entry.md5 };
      }
    } catch {
      // missing or corrupt: start empty
    }
    return this.entries;
  }
}
