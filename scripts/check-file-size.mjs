// `npm run lint`'s second half: no source file over 300 lines, so each stays one idea that
// fits in a reader's head. Prints the offenders and exits 1.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 300;
const FOLDERS = ['src', 'web', 'test', 'bench', 'scripts', 'assembly'];

function* sources(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|mjs|js)$/.test(entry.name)) yield path;
  }
}

const long = [];
for (const folder of FOLDERS) {
  for (const path of sources(folder)) {
    const lines = readFileSync(path, 'utf8').split('\n').length - 1;
    if (lines > LIMIT) long.push(`${path}: ${lines} lines`);
  }
}
if (long.length > 0) {
  console.error(`over ${LIMIT} lines (split them by job):\n  ${long.join('\n  ')}`);
  process.exit(1);
}
console.log(`no source file over ${LIMIT} lines`);
