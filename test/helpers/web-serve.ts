// A real `scratchnet serve` in a child process on a free loopback port, for the page's tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

export interface Served {
  /** The page's URL as the server printed it (http://127.0.0.1:PORT/dist/web/). */
  url: string;
  origin: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Ctrl-C; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

export function startServe(args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scratchnet serve printed no URL in 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const url = /http:\/\/\S+/.exec(stdout)?.[0];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        origin: new URL(url).origin,
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scratchnet serve exited (${code}) before printing its URL; stderr: ${stderr}`));
    });
  });
}
