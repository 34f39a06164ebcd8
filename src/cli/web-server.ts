// The page's HTTP server (node:http): the page, the library it imports, the wasm builds and the
// dataset, and nothing else. URLs mirror the package's own layout (/dist/web/, /dist/src/,
// /build/wasm/), so the page's relative imports resolve as they do when the package folder is
// hosted anywhere else; the dataset is at /dist/web/data/<MNIST file name>.
//   - every response carries COOP + COEP (the page then gets SharedArrayBuffer: wasm threads)
//   - a path with an encoded slash or backslash, a dot segment, an empty segment, or that
//     resolves (symlinks followed) outside its folder: 404; other methods than GET/HEAD: 405
//   - dataset files go gzip-compressed when the client accepts it (MNIST: 55 MB → 11 MB)

import { createReadStream, type Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { findInFolder, MNIST_FILES } from '../data/mnist-files.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const PAGE_PATH = '/dist/web/';
const DATA_PREFIX = `${PAGE_PATH}data/`;
const DATA_NAMES = new Set<string>(Object.values(MNIST_FILES));

export interface WebServerOptions {
  /** The package folder (holding dist/ and build/). */
  root: string;
  /** The folder of the four IDX files (raw or .gz). */
  dataDir: string;
}

/** A dataset file, gzipped once and kept: the bytes the server sends. */
interface DataFile {
  gzipped: Uint8Array;
  raw: () => Promise<Uint8Array>;
}

export function createWebServer(options: WebServerOptions): Server {
  // URL prefix → folder; a file is served only if its real path stays inside its folder's.
  const folders: [string, string][] = [
    [PAGE_PATH, join(options.root, 'dist', 'web')],
    ['/dist/src/', join(options.root, 'dist', 'src')],
    ['/build/wasm/', join(options.root, 'build', 'wasm')],
  ];
  const dataFiles = new Map<string, Promise<DataFile>>();
  const dataFile = (name: string): Promise<DataFile> => {
    let file = dataFiles.get(name);
    if (!file) {
      file = loadDataFile(findInFolder(options.dataDir, name));
      // A failed read is retried on the next request rather than cached.
      file.catch(() => dataFiles.delete(name));
      dataFiles.set(name, file);
    }
    return file;
  };

  return createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `internal error: ${error.message}\n`);
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('method not allowed\n');
      return;
    }
    const target = request.url ?? '';
    const path = safePath(target);
    if (path === undefined) return notFound(response);
    if (path === '/' || path === '/index.html') {
      const query = target.includes('?') ? target.slice(target.indexOf('?')) : '';
      response.writeHead(302, { ...SECURITY_HEADERS, location: `${PAGE_PATH}${query}` }).end();
      return;
    }
    if (path.startsWith(DATA_PREFIX) && DATA_NAMES.has(path.slice(DATA_PREFIX.length))) {
      const file = await dataFile(path.slice(DATA_PREFIX.length));
      const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      const body = acceptsGzip ? file.gzipped : await file.raw();
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'application/octet-stream',
        'content-length': body.length,
        vary: 'accept-encoding',
        ...(acceptsGzip ? { 'content-encoding': 'gzip' } : {}),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    const served = await staticFile(folders, path === PAGE_PATH ? `${PAGE_PATH}index.html` : path);
    if (!served) return notFound(response);
    // The page and each of its workers load the library's modules: a validator lets the
    // browser revalidate them (304) instead of fetching them again.
    const etag = `"${served.stats.size.toString(36)}-${Math.floor(served.stats.mtimeMs).toString(36)}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { ...SECURITY_HEADERS, etag }).end();
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, etag, 'content-type': CONTENT_TYPES[extname(served.file)]!, 'content-length': served.stats.size });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(served.file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }
}

/**
 * The request target's path, decoded, or undefined when it must not be served: not
 * origin-form (absolute URLs, `*`), an encoded slash or backslash (%2f, %5c), a backslash or
 * NUL, an empty segment (`//`), or a `.`/`..` segment, raw or encoded.
 */
export function safePath(target: string): string | undefined {
  if (!target.startsWith('/')) return undefined;
  const rawPath = target.split(/[?#]/, 1)[0]!;
  if (/%2f|%5c|%00/i.test(rawPath) || rawPath.includes('\\')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const segments = path.split('/').slice(1);
  // A trailing slash leaves one empty last segment, allowed; any other empty segment is not.
  if (segments.slice(0, -1).some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  const last = segments[segments.length - 1];
  if (last === '.' || last === '..') return undefined;
  return path;
}

/** The file under one of the folders, if it is a regular file of a served type whose real path stays inside. */
async function staticFile(folders: [string, string][], path: string): Promise<{ file: string; stats: Stats } | undefined> {
  const match = folders.find(([prefix]) => path.startsWith(prefix));
  if (!match || !(extname(path) in CONTENT_TYPES)) return undefined;
  const [prefix, folder] = match;
  try {
    const [file, base] = await Promise.all([realpath(join(folder, path.slice(prefix.length))), realpath(folder)]);
    if (!file.startsWith(base + sep)) return undefined;
    const stats = await stat(file);
    return stats.isFile() ? { file, stats } : undefined;
  } catch {
    return undefined;
  }
}

async function loadDataFile(path: string): Promise<DataFile> {
  const bytes = new Uint8Array(await readFile(path));
  const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (isGzip) return { gzipped: bytes, raw: async () => new Uint8Array(await gunzipAsync(bytes)) };
  return { gzipped: new Uint8Array(await gzipAsync(bytes)), raw: async () => bytes };
}

function notFound(response: ServerResponse): void {
  send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}
