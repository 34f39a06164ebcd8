// The page's static files next to its compiled modules: web/*.html and web/*.css → dist/web/
// (tsc compiles web/*.ts there).

import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'web');
const to = join(root, 'dist', 'web');
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from)) {
  if (/\.(html|css)$/.test(name)) copyFileSync(join(from, name), join(to, name));
}
