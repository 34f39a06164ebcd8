// Compiles the AssemblyScript kernels (assembly/) into the four builds the runtime picks
// from: relaxed SIMD or plain SIMD, each with shared memory (worker threads) or without
// (browser pages that are not cross-origin isolated). Skips builds newer than every source.
// Run by `npm run build`, which `npm install` / `npm ci` run through `prepare`.

import asc from 'assemblyscript/asc';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDir = `${root}assembly`;
const outDir = `${root}build/wasm`;

const common = [
  `${sourceDir}/index.ts`,
  '-O3', '--noAssert',
  '--runtime', 'stub',
  '--importMemory', '--initialMemory', '1', '--maximumMemory', '65536',
  '--enable', 'simd',
];

const builds = [
  { file: 'kernels-relaxed-simd.wasm', args: ['--enable', 'relaxed-simd', '--enable', 'threads', '--sharedMemory'] },
  { file: 'kernels-simd.wasm', args: ['--enable', 'threads', '--sharedMemory'] },
  { file: 'kernels-relaxed-simd-unshared.wasm', args: ['--enable', 'relaxed-simd'] },
  { file: 'kernels-simd-unshared.wasm', args: [] },
];

const sources = [fileURLToPath(import.meta.url), ...readdirSync(sourceDir).map((name) => `${sourceDir}/${name}`)];
const newestSource = Math.max(...sources.map((path) => statSync(path).mtimeMs));
const force = process.argv.includes('--force');
mkdirSync(outDir, { recursive: true });

for (const build of builds) {
  const out = `${outDir}/${build.file}`;
  let built = 0;
  try {
    built = statSync(out).mtimeMs;
  } catch {}
  if (!force && built > newestSource) continue;
  const { error, stderr } = await asc.main([...common, ...build.args, '-o', out]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${build.file}: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-wasm: ${build.file}`);
}
