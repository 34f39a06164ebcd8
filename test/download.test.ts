// --download against a local HTTP server on 127.0.0.1 serving gzipped MNIST.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { downloadMnist, type DownloadProgress } from '../src/data/download.js';
import { mnistPackageFolder, MNIST_FILES } from '../src/data/mnist-files.js';
import { InputError } from '../src/errors.js';
import { tempFolder } from './helpers/mnist-fixture.js';

describe('MNIST download (local mirror)', () => {
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  let server: Server;
  let base: string;

  before(async () => {
    for (const name of Object.values(MNIST_FILES)) files.set(`/good/${name}.gz`, gzipSync(readFileSync(join(mnistPackageFolder(), name)), { level: 1 }));
    for (const name of Object.values(MNIST_FILES)) files.set(`/bad/${name}.gz`, files.get(`/good/${name}.gz`)!);
    // One corrupted file: a single label changed, then gzipped again (valid gzip, wrong data).
    const labels = Buffer.from(readFileSync(join(mnistPackageFolder(), MNIST_FILES.testLabels)));
    labels[100] = (labels[100]! + 1) % 10;
    files.set(`/bad/${MNIST_FILES.testLabels}.gz`, gzipSync(labels, { level: 1 }));
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = files.get(request.url ?? '');
      if (!body) return void response.writeHead(404).end();
      // NOTE: no keep-alive: a pooled socket the server times out under load would surface as ECONNRESET.
      response.writeHead(200, { 'content-length': body.length, connection: 'close' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it('downloads, verifies, caches, reports progress, and reuses the cache next time', async () => {
    const cacheDir = tempFolder();
    const progress: DownloadProgress[] = [];
    requests.length = 0;
    const data = await downloadMnist({ baseUrl: `${base}/good/`, cacheDir, onProgress: (p) => progress.push(p) });
    assert.equal(data.train.images.rows, 60000);
    assert.equal(data.test.images.rows, 10000);
    assert.equal(requests.length, 4);
    assert.deepEqual(readdirSync(cacheDir).sort(), ['checksums.json', ...Object.values(MNIST_FILES).map((n) => `${n}.gz`)].sort());
    const last = progress.filter((p) => p.file === MNIST_FILES.trainImages).at(-1)!;
    assert.equal(last.received, last.total);

    requests.length = 0;
    const again = await downloadMnist({ baseUrl: `${base}/good`, cacheDir, onProgress: (p) => progress.push(p) });
    assert.equal(requests.length, 0, 'second run is served from the cache');
    assert.equal(again.test.labels[100], data.test.labels[100]);

    // A cached file damaged since (its verdict remembered for the file as it was) is fetched again.
    const damaged = join(cacheDir, `${MNIST_FILES.testLabels}.gz`);
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(damaged, bytes);
    requests.length = 0;
    await downloadMnist({ baseUrl: `${base}/good`, cacheDir });
    assert.deepEqual(requests, [`/good/${MNIST_FILES.testLabels}.gz`]);
  });

  it('refuses a file whose checksum does not match and leaves no file behind for it', async () => {
    const cacheDir = tempFolder();
    await assert.rejects(
      downloadMnist({ baseUrl: `${base}/bad/`, cacheDir }),
      (e: Error) => e instanceof InputError && /t10k-labels-idx1-ubyte\.gz: checksum mismatch \(MD5 of the data is [0-9a-f]{32}, MNIST's is 27ae3e4e09519cfbb04c329615203637\)/.test(e.message),
    );
    assert.ok(!existsSync(join(cacheDir, `${MNIST_FILES.testLabels}.gz`)));
    assert.deepEqual(readdirSync(cacheDir).filter((n) => n.includes('.part')), []);
  });

  it('names the URL on HTTP errors and on a refused connection', async () => {
    await assert.rejects(downloadMnist({ baseUrl: `${base}/missing/`, cacheDir: tempFolder() }), /missing\/train-images-idx3-ubyte\.gz: download failed \(HTTP 404/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(downloadMnist({ baseUrl: `http://127.0.0.1:${port}/`, cacheDir: tempFolder() }), /train-images-idx3-ubyte\.gz: download failed \(ECONNREFUSED\)/);
    await assert.rejects(downloadMnist({ baseUrl: 'not a url', cacheDir: tempFolder() }), /--download not a url\/: not a valid URL/);
  });
});
