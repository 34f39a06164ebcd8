// The npm package as a user gets it: `npm pack`, then `npm install` of the tarball into an
// empty project, and there the CLI, both ES-module entries and the shipped types. Needs the
// npm registry (or npm's cache) for the package's dependencies, as any install does.

import assert from 'node:assert/strict';
import { execFile, spawn, type ExecFileException } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempFolder } from './helpers/mnist-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, FORCE_COLOR: '0', NO_UPDATE_NOTIFIER: '1' };
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface PackedFile {
  path: string;
  size: number;
}

describe('the npm package, installed into an empty project', { timeout: 600_000 }, () => {
  const work = tempFolder('scratchnet-package-');
  const project = join(work, 'project');
  let files: PackedFile[] = [];
  let installLog = '';

  before(async () => {
    // `npm test` has just built dist/ and build/wasm/; --ignore-scripts packs that build as it is.
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string; size: number; unpackedSize: number; files: PackedFile[] }];
    files = info.files;
    console.log(`tarball ${info.filename}: ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked, ${files.length} files`);

    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }, null, 2));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, info.filename)], project);
    installLog = install.stdout + install.stderr;
    assert.equal(install.code, 0, installLog);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships what runs, the README, LICENSE and types, and no tests, sources or bench results', () => {
    const paths = files.map((f) => f.path);
    for (const needed of [
      'package.json', 'README.md', 'LICENSE', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.js', 'dist/src/node.d.ts', 'dist/src/onnx.js', 'dist/src/cli/main.js', 'dist/cli/scratchnet.js',
      'dist/web/index.html', 'dist/web/style.css', 'dist/web/main.js', 'dist/web/worker.js', 'dist/src/report/compiled-charts.json',
    ]) {
      assert.ok(paths.includes(needed), `the tarball lacks ${needed}`);
    }
    for (const build of ['kernels-relaxed-simd.wasm', 'kernels-simd.wasm', 'kernels-relaxed-simd-unshared.wasm', 'kernels-simd-unshared.wasm']) {
      assert.ok(paths.includes(`build/wasm/${build}`), `the tarball lacks build/wasm/${build}`);
    }
    const stray = paths.filter((p) => /^(test|bench|src|assembly|scripts|dist\/test|dist\/bench)\//.test(p) || p.endsWith('.map') || (p.endsWith('.ts') && !p.endsWith('.d.ts')));
    assert.deepEqual(stray, [], 'tests, bench, sources or source maps in the tarball');
  });

  it('installs with stock npm: no warning but the listing of its own build step, which npm does not run for a tarball', () => {
    const warnings = installLog.split('\n').filter((line) => /\bwarn\b/i.test(line));
    // npm ≥ 11.19 lists every install-time script of a non-registry source it skipped; for a
    // tarball that is scratchnet's own `prepare` (the repository's build), which never runs there.
    const foreign = warnings.filter((line) => !/install-scripts( |$)(\s*$|\d+ packages? ha(s|ve) install scripts|\s+scratchnet@|\s*Run `npm install-scripts)/.test(line));
    assert.deepEqual(foreign, [], installLog);
    const runtimeDeps = Object.keys((JSON.parse(readFileSync(join(project, 'node_modules', 'scratchnet', 'package.json'), 'utf8')) as { dependencies: object }).dependencies);
    assert.ok(!runtimeDeps.includes('onnxruntime-node'), 'onnxruntime-node is for the tests only');
  });

  it('npx scratchnet --version prints the package version', async () => {
    const result = await run('npx', ['--no-install', 'scratchnet', '--version'], project);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
  });

  it('npx scratchnet train trains on the wasm backend', async () => {
    const result = await run('npx', ['--no-install', 'scratchnet', 'train', '--iters', '300', '--eval-every', '0', '--out', 'run'], project);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /backend wasm/);
    const metrics = JSON.parse(readFileSync(join(project, 'run', 'metrics.json'), 'utf8'));
    assert.equal(metrics.config.backend, 'wasm');
    assert.equal(metrics.loss.length, 300);
    assert.ok(metrics.final.testAccuracy > 0.7, `test accuracy after 300 iterations: ${metrics.final.testAccuracy}`);
  });

  it('scratchnet serve serves the page, its library, the wasm builds and MNIST from the installed package', async () => {
    // The installed bin itself (not through npx), so that Ctrl-C reaches the server.
    const child = spawn(join(project, 'node_modules', '.bin', 'scratchnet'), ['serve', '--port', '0'], { cwd: project });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /http:\/\/\S+/.exec(stdout);
          if (match) resolve(match[0]);
        });
        child.on('exit', (code) => reject(new Error(`scratchnet serve exited (${code}): ${stderr}`)));
      });
      for (const path of ['', 'main.js', 'worker.js', '../src/index.js', '../../build/wasm/kernels-simd.wasm', 'data/t10k-labels-idx1-ubyte']) {
        const response = await fetch(new URL(path, url));
        assert.equal(response.status, 200, `${path}: ${response.status}`);
        assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp');
        await response.arrayBuffer();
      }
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });

  it('the library imports from an ES module: scratchnet, scratchnet/node, scratchnet/onnx', async () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { TwoLayerNet, Rng, Tensor, useBackend } from 'scratchnet';
import { loadMnistPackage } from 'scratchnet/node';
import { exportOnnx } from 'scratchnet/onnx';
const backend = await useBackend('wasm', { threads: 1 });
const data = loadMnistPackage();
const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 10, outputSize: 10, rng: new Rng(1) });
const scores = net.predict(data.test.images.sliceRows(0, 3));
console.log(JSON.stringify({ backend: backend.name, shape: scores.shape, train: data.train.images.rows, onnxBytes: exportOnnx(net).length }));
`,
    );
    const result = await run(process.execPath, ['use.mjs'], project);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { backend: string; shape: number[]; train: number; onnxBytes: number };
    assert.deepEqual(out.shape, [3, 10]);
    assert.equal(out.backend, 'wasm');
    assert.equal(out.train, 60000);
    assert.ok(out.onnxBytes > 4 * 784 * 10);
  });

  it('a TypeScript file type-checks against the shipped .d.ts, and a misuse does not', async () => {
    const good = `import { TwoLayerNet, SGD, Rng, train, type Kernels } from 'scratchnet';
import { loadMnistPackage } from 'scratchnet/node';
const data = loadMnistPackage();
const rng = new Rng(1);
const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, rng });
const result = train(net, new SGD(0.1), data, rng, { iterations: 10, batchSize: 100 });
const accuracy: number = result.final.testAccuracy;
const name: Kernels['name'] = 'js';
console.log(accuracy, name);
`;
    writeFileSync(join(project, 'good.ts'), good);
    writeFileSync(join(project, 'bad.ts'), good.replace('hiddenSize: 50', "hiddenSize: '50'"));
    for (const file of ['good', 'bad']) {
      // @types/node comes from the repository: a user of scratchnet/node has it, as for any Node API.
      const compilerOptions = { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], skipLibCheck: false };
      writeFileSync(join(project, `tsconfig.${file}.json`), JSON.stringify({ compilerOptions, files: [`${file}.ts`] }));
    }
    const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.good.json'], project);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const refused = await run(process.execPath, [TSC, '-p', 'tsconfig.bad.json'], project);
    assert.notEqual(refused.code, 0, 'a string for hiddenSize should not type-check');
    assert.match(refused.stdout, /bad\.ts.*hiddenSize|Type 'string' is not assignable to type 'number'/s);
  });

  it('a damaged wasm build is one line naming the file, a non-zero exit and no stack trace', async () => {
    const wasmDir = join(project, 'node_modules', 'scratchnet', 'build', 'wasm');
    const saved = new Map(readdirSync(wasmDir).map((name) => [name, readFileSync(join(wasmDir, name))]));
    for (const name of saved.keys()) writeFileSync(join(wasmDir, name), 'not wasm');
    try {
      const result = await run('npx', ['--no-install', 'scratchnet', 'train', '--iters', '5', '--out', 'damaged'], project);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /^scratchnet: .*build\/wasm\/kernels-[a-z-]+\.wasm is not a valid WebAssembly build .*\n$/);
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
    } finally {
      for (const [name, bytes] of saved) writeFileSync(join(wasmDir, name), bytes);
    }
  });

  it('a missing wasm build is one line naming the file, a non-zero exit and no stack trace', async () => {
    const wasmDir = join(project, 'node_modules', 'scratchnet', 'build', 'wasm');
    const hidden = join(work, 'wasm-away');
    renameSync(wasmDir, hidden);
    try {
      const result = await run('npx', ['--no-install', 'scratchnet', 'train', '--iters', '5', '--out', 'broken'], project);
      assert.notEqual(result.code, 0);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /^scratchnet: .*build\/wasm\/kernels-[a-z-]+\.wasm is missing/);
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
      assert.ok(!existsSync(join(project, 'broken', 'metrics.json')));
    } finally {
      renameSync(hidden, wasmDir);
    }
  });
});
