// The browser loader, run in Node: builds fetched over HTTP, no cross-origin isolation,
// so the unshared build on one thread, data copied in and out (no zero-copy arrays).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { gemmJs } from '../src/tensor/kernels/js-gemm.js';
import { loadWasmKernels } from '../src/tensor/kernels/wasm/web.js';
import { randomFill } from './helpers/kernels-backends.js';

const buildDir = new URL('../../build/wasm/', import.meta.url);
// As in browsers that ship relaxed SIMD (Chrome 114+); Node 20 has it behind a flag.
setFlagsFromString('--experimental-wasm-relaxed-simd');

describe('wasm backend through the browser loader', () => {
  let server: Server;
  let baseUrl = '';
  const served: string[] = [];
  before(async () => {
    server = createServer((request, response) => {
      const name = (request.url ?? '/').slice(1);
      served.push(name);
      readFile(new URL(name, buildDir)).then(
        (bytes) => response.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes),
        () => response.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loads the unshared build, runs on one thread, and computes what the portable kernel does', async () => {
    for (const variant of ['relaxed-simd', 'simd'] as const) {
      const backend = await loadWasmKernels({ baseUrl, threads: 4, variant });
      assert.equal(served.at(-1), `kernels-${variant}-unshared.wasm`);
      assert.equal(backend.threads, 1);
      assert.equal(backend.float32Array, undefined, 'views into unshared memory would detach on growth');
      // Large enough that the staging areas grow the memory (and its buffer is replaced).
      const m = 300, k = 784, n = 50;
      const a = new Float32Array(m * k);
      const b = new Float32Array(k * n);
      randomFill(a, 1);
      randomFill(b, 2);
      for (let round = 0; round < 2; round++) {
        const c = new Float32Array(m * n);
        backend.gemm(a, b, c, m, n, k, { transA: false });
        const expected = new Float32Array(m * n);
        gemmJs(a, b, expected, m, n, k);
        let worst = 0;
        for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[i]! - expected[i]!));
        assert.ok(worst < 1e-4, `${variant}: largest difference ${worst}`);
      }
      const probs = new Float32Array(20);
      const loss = backend.softmaxCrossEntropy(a.subarray(0, 20), Uint8Array.of(1, 3), probs, 2, 10);
      assert.ok(Number.isFinite(loss) && loss > 0);
      await backend.close();
    }
  });

  it('names the URL when a build cannot be fetched', async () => {
    await assert.rejects(loadWasmKernels({ baseUrl: `${baseUrl}missing/`, threads: 1 }), /missing\/kernels-.*-unshared\.wasm: HTTP 404/);
  });
});
