// The shared setup of the page's end-to-end tests (test/web-page-*.test.ts): headless Chromium
// (Debian's, driven by playwright-core) and a real `scratchnet serve` for one suite, a fresh
// page that collects its problems, the page's test hook (`window.scratchnetPage`) read from
// Node, and `scratchnet train` run beside it for the numbers the page must agree with.

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';
import { runCli } from './cli.js';
import { tempFolder } from './mnist-fixture.js';
import type { PageState } from '../../web/main.js';
import { startServe, type Served } from './web-serve.js';

/** What `window.scratchnetPage.state()` reports: the page's own type. */
export type { PageState };
export interface PageRun {
  iterations: number;
  losses: number[];
  evaluations: { epoch: number; iteration: number; trainAccuracy: number; testAccuracy: number }[];
  seconds: number;
}
interface PageHandle {
  state(): PageState;
  probabilities(): number[] | null;
  run(): PageRun | undefined;
}
/** The page's `window` as the tests see it: each test file declares `window` with this type. */
export type PageWindow = { scratchnetPage: PageHandle; crossOriginIsolated: boolean };
declare const window: PageWindow;

export const TIMEOUT = 180_000;

export interface OpenPage {
  page: Page;
  problems: string[];
  scripts: Map<string, Promise<Buffer>>;
  close: () => Promise<void>;
}

/**
 * Registers the suite's before and after hooks (call it inside `describe`): one browser and
 * one server for the suite's tests, a temporary folder removed at the end.
 */
export function pageSuite() {
  let browser: Browser;
  let served: Served;
  const dir = tempFolder('scratchnet-web-');

  before(async () => {
    [browser, served] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }), startServe()]);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh page at `query`; console errors, page errors and failed requests are collected in `problems`. */
  async function open(query: string): Promise<OpenPage> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    const problems: string[] = [];
    // Every script the page and its workers load, by URL.
    const scripts = new Map<string, Promise<Buffer>>();
    context.on('response', (response) => {
      if (new URL(response.url()).pathname.endsWith('.js') && response.status() === 200) scripts.set(response.url(), response.body());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(`${served.url}${query}`);
    await page.waitForFunction(() => window.scratchnetPage?.state().backend !== '', null, { timeout: 30_000 });
    return { page, problems, scripts, close: () => context.close() };
  }

  const state = (page: Page): Promise<PageState> => page.evaluate(() => window.scratchnetPage.state());
  const pageRun = (page: Page): Promise<PageRun> => page.evaluate(() => window.scratchnetPage.run()!);
  const finished = (page: Page, iterations: number): Promise<unknown> =>
    page.waitForFunction((n) => !window.scratchnetPage.state().running && window.scratchnetPage.state().iteration === n, iterations, { timeout: TIMEOUT });

  async function cliTrain(args: string[]): Promise<{ out: string; metrics: { loss: number[]; evaluations: PageRun['evaluations']; final: { testAccuracy: number } } }> {
    const out = join(dir, `cli-${args.join('_').replaceAll('-', '')}`);
    const result = await runCli(['train', ...args, '--out', out], { timeoutMs: TIMEOUT });
    assert.equal(result.code, 0, result.stderr);
    return { out, metrics: JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) };
  }

  return {
    /** Set by the before hook: use inside tests only. */
    get browser(): Browser {
      return browser;
    },
    get served(): Served {
      return served;
    },
    dir, open, state, pageRun, finished, cliTrain,
  };
}
