// The reference job in the page: `scratchnet serve`'s server (in this process, on loopback)
// and headless Chromium, which opens the page with the job as URL settings and presses Train,
// as a person would. Timing is the page's own: from the run's start (data loaded) to its end,
// on the page's thread, with the live charts drawing throughout.

import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createWebServer } from '../../src/cli/web-server.js';
import { mnistPackageFolder } from '../../src/data/mnist-files.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from '../../test/helpers/chromium.js';
import type { TrainOutcome, TrainRequest } from '../protocol.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface PageRun {
  iterations: number;
  losses: number[];
  evaluations: { iteration: number; trainAccuracy: number; testAccuracy: number }[];
  seconds: number;
  wallSeconds: number;
  trainSeconds: number;
  evaluateSeconds: number;
  chartUpdates: number;
  mainThreadSeconds: number;
}

export async function trainPage(request: TrainRequest): Promise<TrainOutcome> {
  const { job, system } = request;
  if (chromiumMissing) throw new Error(chromiumMissing);
  const layers = job.spec.layers.map((l) => l.type).join(',');
  if (layers !== 'affine,relu,affine' || job.optimizer !== 'sgd' || job.sampling !== 'replacement' || job.init !== 0.01) {
    throw new Error(`the page row runs the two-layer reference job only, not ${job.id}`);
  }
  const query = new URLSearchParams({
    model: 'two-layer', hidden: String(job.spec.layers[0]!['units']), lr: String(job.lr), batch: String(job.batchSize),
    iters: String(job.iterations), 'eval-every': String(job.evalEvery), seed: String(request.seed), threads: String(system.kind === 'scratchnet' ? system.threads : 1),
  });
  const server = createWebServer({ root: PACKAGE_ROOT, dataDir: mnistPackageFolder() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/dist/web/?${query}`);
    await page.waitForFunction(() => (window as unknown as { scratchnetPage?: { state(): { backend: string } } }).scratchnetPage?.state().backend !== '');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.waitForFunction(
      (n) => {
        const handle = (window as unknown as { scratchnetPage: { state(): { running: boolean; iteration: number } } }).scratchnetPage;
        return !handle.state().running && handle.state().iteration === n;
      },
      job.iterations,
      { timeout: 15 * 60_000, polling: 100 },
    );
    const run = await page.evaluate(() => (window as unknown as { scratchnetPage: { run(): PageRun } }).scratchnetPage.run());
    const state = await page.evaluate(() => (window as unknown as { scratchnetPage: { state(): { backend: string } } }).scratchnetPage.state());
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    const final = run.evaluations.at(-1)!;
    return {
      iterations: run.iterations,
      evaluations: run.evaluations.length,
      wallSeconds: run.wallSeconds,
      trainSeconds: run.trainSeconds,
      evalSeconds: run.evaluateSeconds,
      evaluatedImages: run.evaluations.length * 70000,
      finalTrainAccuracy: final.trainAccuracy,
      finalTestAccuracy: final.testAccuracy,
      firstLoss: run.losses[0] ?? null,
      lastLoss: run.losses.at(-1) ?? null,
      peakRssMB: browserPeakRssMB(process.pid),
      note: `Chromium, ${state.backend}; charts ${(run.chartUpdates / run.wallSeconds).toFixed(1)} updates/s, page's main thread busy ${(100 * run.mainThreadSeconds / run.wallSeconds).toFixed(1)}% of the run; RSS summed over Chromium's processes`,
      versions: { chromium: browser.version(), backend: state.backend },
    };
  } finally {
    await browser.close();
    server.close();
    server.closeAllConnections();
  }
}

/** Peak RSS (VmHWM) summed over this process's descendants, the browser's processes (Linux /proc); shared pages count once per process. */
function browserPeakRssMB(root: number): number {
  const parents = new Map<number, number>();
  const peaks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      parents.set(Number(entry), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
      peaks.set(Number(entry), Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0));
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  let kB = 0;
  for (const [pid, peak] of peaks) if (pid !== root && inTree(pid)) kB += peak;
  return kB / 1024;
}
