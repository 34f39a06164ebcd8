// The command line as a few files instead of its ~100 modules: dist/src/cli/main.js (tsc's
// output) bundled into dist/cli/ (scratchnet.js and the chunks its lazy imports load), so that
// Node starts it without resolving, reading and linking every module (≈50 ms of each run).
// Packages stay outside (node_modules). Worker threads and the library keep dist/src/.
// Each module's import.meta.url is rewritten to its own file in dist/src/, so that the paths
// it computes from it (build/wasm, workers, package.json, compiled charts) stay as they were.
// Run by `npm run build`, after tsc.

import { readFileSync, rmSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/src`;
const outdir = `${root}dist/cli`;

/** import.meta.url → the URL of the module's own compiled file, found from the chunk's. */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!args.path.startsWith(`${compiled}/`) || !text.includes('import.meta.url')) return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
      const own = JSON.stringify(relative(outdir, args.path));
      return { contents: text.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: { scratchnet: `${compiled}/cli/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [ownUrls],
  logLevel: 'warning',
});
// The shebang of main.ts is kept on the entry: it is the package's bin.
console.log(`build-cli: ${relative(root, outdir)}/scratchnet.js`);
