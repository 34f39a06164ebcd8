// `npm run bench`: the reference job and the cnn job side by side in scratchnet (each
// backend, 1 and 2 threads), PyTorch, TensorFlow.js (cpu and wasm backends) and, for the
// reference job, the book's NumPy program, each in
// its own process; then GEMM GFLOP/s and inference speed. Prints the tables and saves
// bench/results/<date>.json (and a bar chart PNG when src/report is there).

import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildNet } from '../src/nets/spec.js';
import { BACKENDS } from '../src/tensor/kernels/select.js';
import { writeBarCharts } from './chart.js';
import { evaluatedImages, evaluationCount, GEMM_SHAPES, JOBS, quickJob, type TrainJob } from './job.js';

const MNIST_TRAIN = 60000;
const MNIST_TEST = 10000;
import { systemId, systemLabel, type MicroOutcome, type SystemSpec, type TrainOutcome } from './protocol.js';
import { derive, isoDate, resultPath, writeReport, type BenchReport, type JobResults, type MicroRow } from './results.js';
import { numpyAvailable, runInChild, torchAvailable } from './spawn.js';
import { formatReport } from './tables.js';
import { runProcesses } from './processes.js';

interface Options {
  quick: boolean;
  only?: string[];
  jobs: string[];
  threads: number[];
  tfjsCpuIters?: number;
  cap: Record<string, number>;
  from?: string;
  /** --jobs was given (else --quick runs the two-layer job only). */
  jobsGiven: boolean;
  micro: boolean;
  out?: string;
  seed: number;
  note: string[];
  python: string;
  processes?: number;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
};
const nonNegativeInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
};
const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
const capEntry = (value: string, previous: Record<string, number>): Record<string, number> => {
  const match = /^((?:[a-z0-9-]+:)?[a-z0-9-]+)=(\d+)$/.exec(value.trim());
  if (!match || Number(match[2]) < 1) throw new InvalidArgumentError(`expected [job:]id=iterations, e.g. tfjs-cpu=500 or cnn:torch=600, got "${value}"`);
  return { ...previous, [match[1]!]: Number(match[2]) };
};

function parseOptions(argv: string[]): Options {
  const program = new Command('npm run bench --')
    .description('scratchnet vs PyTorch vs TensorFlow.js vs NumPy on the reference job (784-50-10, 10 000 iterations) and the cnn job, plus GEMM and inference tables')
    .option('--quick', 'short run: the two-layer job for 1000 iterations (2 scheduled evaluations + final), TF.js cpu capped at 100, smaller micro-benchmarks', false)
    .option('--only <ids>', 'run only systems whose id starts with one of these (numpy, tfjs-cpu, tfjs-wasm, scratchnet-js, scratchnet-wasm-2 …)', list)
    .option('--jobs <ids>', `training jobs (${JOBS.map((j) => j.id).join(', ')}, or none: the GEMM and inference tables only); a job whose layers are missing is reported as skipped`, list, JOBS.map((j) => j.id))
    .option('--threads <list>', 'thread counts for each scratchnet backend', (v) => list(v).map(positiveInt), [1, 2])
    .option('--tfjs-cpu-iters <n>', 'cap the TF.js cpu backend (the slowest run, ~10 min in full) to n iterations in jobs without a cap of their own (the cnn job caps it at 10; --cap changes that); its wall time is then extrapolated and marked', positiveInt)
    .option('--cap <id=n>', 'run systems whose id starts with id for n iterations only, extrapolated and marked; job:id=n (e.g. cnn:torch=600) caps them in that job only (repeatable; the cnn job caps tfjs-cpu=10 and scratchnet-js=300 by itself)', capEntry, {} as Record<string, number>)
    .option('--no-micro', 'skip the GEMM and inference tables')
    .option('--processes <n>', 'whole processes of the reference job, start to exit: n alternating runs each of `scratchnet train` and the NumPy program (0 = none; default 3 when the two-layer job runs, not with --quick)', nonNegativeInt)
    .option('--out <folder>', 'where the JSON and PNG go (default: bench/results)')
    .option('--seed <n>', 'seed for weights and batches', (v) => Number.parseInt(v, 10), 1)
    .option('--note <text>', 'a note saved with the results (repeatable), e.g. "machine shared with other jobs"', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--python <command>', 'python with numpy', 'python3')
    .option('--from <file.json>', 'measure nothing: print the tables of a saved results file and (re)write its charts beside it');
  program.parse(argv, { from: 'user' });
  return { ...program.opts<Options>(), jobsGiven: program.getOptionValueSource('jobs') === 'cli' };
}

function selected(options: Options, system: SystemSpec): boolean {
  return !options.only || options.only.some((prefix) => systemId(system).startsWith(prefix));
}

function trainSystems(job: TrainJob, options: Options): SystemSpec[] {
  const systems: SystemSpec[] = [];
  if (job.id === 'two-layer') {
    // NumPy as it comes (OpenBLAS on every core) and on one BLAS thread: on a busy machine the spinning BLAS threads cost it dearly
    systems.push({ kind: 'numpy' }, { kind: 'numpy', threads: 1 }, { kind: 'tfjs', backend: 'cpu', variant: 'manual' }, { kind: 'tfjs', backend: 'wasm', variant: 'manual' });
  }
  // PyTorch on every core: the framework a user would pick instead.
  systems.push({ kind: 'torch', threads: Math.max(...options.threads) });
  // NOTE: TF.js's wasm backend has no Conv2DBackpropFilter kernel, so a conv net trains on its cpu backend only.
  systems.push({ kind: 'tfjs', backend: job.keepImageShape ? 'cpu' : 'wasm', variant: 'autodiff' });
  // The dense-only rows matter where the inputs are images (mostly zeros): the two-layer net's first layer.
  systems.push(...scratchnetSystems(options, job.id === 'two-layer'));
  // The page (issue 10): the same job in headless Chromium, training in a Web Worker, on the most threads asked for.
  if (job.id === 'two-layer') systems.push({ kind: 'scratchnet', backend: 'page', threads: Math.max(...options.threads) });
  return systems.filter((s) => selected(options, s));
}

/** Each backend at each thread count; with `dense`, wasm also with its sparse path off (every product dense). */
function scratchnetSystems(options: Options, dense: boolean): SystemSpec[] {
  const systems: SystemSpec[] = [];
  for (const backend of BACKENDS) {
    for (const threads of options.threads) {
      systems.push({ kind: 'scratchnet', backend, threads });
      if (dense && backend === 'wasm') systems.push({ kind: 'scratchnet', backend, threads, dense: true });
    }
  }
  return systems;
}

function microSystems(options: Options): SystemSpec[] {
  const systems: SystemSpec[] = [];
  systems.push(...scratchnetSystems(options, true));
  systems.push({ kind: 'numpy', threads: 1 }, { kind: 'numpy', threads: 2 }, { kind: 'tfjs', backend: 'wasm', variant: 'manual' });
  return systems.filter((s) => selected(options, s));
}

/**
 * The iteration cap of a system on a job: --cap, then the job's own default, then
 * --tfjs-cpu-iters, then --quick's. NOTE: the job's default before --tfjs-cpu-iters: 1000
 * TF.js cpu iterations of the two-layer job take a minute, of the cnn job three hours.
 */
function capFor(id: string, job: TrainJob, options: Options): number | undefined {
  const pick = (caps: Readonly<Record<string, number>>) => Object.entries(caps).find(([prefix]) => id.startsWith(prefix))?.[1];
  // "job:id=n" caps that job's systems only; those come before the ones for every job.
  const ofJob = Object.fromEntries(Object.entries(options.cap).flatMap(([key, n]) => (key.startsWith(`${job.id}:`) ? [[key.slice(job.id.length + 1), n]] : [])));
  const anyJob = Object.fromEntries(Object.entries(options.cap).filter(([key]) => !key.includes(':')));
  return pick(ofJob) ?? pick(anyJob) ?? pick(job.defaultCaps ?? {}) ?? (id.startsWith('tfjs-cpu') ? options.tfjsCpuIters : undefined) ?? (options.quick && id.startsWith('tfjs-cpu') ? 100 : undefined);
}

/** Why scratchnet cannot build this job's net yet (e.g. the CNN's layers are not on main), or undefined. */
function missingLayers(job: TrainJob): string | undefined {
  try {
    buildNet(job.spec);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

type Availability = { ok: boolean; reason?: string };

async function runJob(job: TrainJob, options: Options, python: Availability, torch: Availability): Promise<JobResults> {
  const results: JobResults = {
    id: job.id,
    title: job.title,
    iterations: job.iterations,
    evaluations: evaluationCount(job.iterations, job.evalEvery),
    evaluatedImages: evaluatedImages(job, MNIST_TRAIN, MNIST_TEST),
    rows: [],
  };
  const missing = missingLayers(job);
  for (const system of trainSystems(job, options)) {
    const id = systemId(system);
    const label = systemLabel(system);
    if (missing) {
      results.rows.push({ id, label, system, status: 'skipped', note: `scratchnet cannot build this net: ${missing}` });
      continue;
    }
    if (system.kind === 'numpy' && !python.ok) {
      results.rows.push({ id, label, system, status: 'skipped', note: python.reason });
      continue;
    }
    if (system.kind === 'torch' && !torch.ok) {
      results.rows.push({ id, label, system, status: 'skipped', note: torch.reason });
      continue;
    }
    let runJob = job;
    const cap = capFor(id, job, options);
    // a capped run evaluates once, at its end: enough for the per-image evaluation rate
    if (cap !== undefined && cap < job.iterations) runJob = { ...job, iterations: cap, evalEvery: 0, capped: true };
    process.stderr.write(`\n▶ ${job.id}: ${label} (${runJob.iterations} iterations)\n`);
    try {
      const outcome = await runInChild<TrainOutcome>({ mode: 'train', system, job: runJob, seed: options.seed }, { python: options.python });
      const derived = derive(outcome, results.iterations, results.evaluatedImages);
      results.rows.push({ id, label, system, status: 'ok', outcome, derived, note: outcome.note });
      process.stderr.write(`  ${outcome.wallSeconds.toFixed(1)} s, test accuracy ${outcome.finalTestAccuracy.toFixed(4)}, peak RSS ${outcome.peakRssMB.toFixed(0)} MB\n`);
    } catch (error) {
      results.rows.push({ id, label, system, status: 'failed', note: (error as Error).message });
      process.stderr.write(`  failed: ${(error as Error).message}\n`);
    }
  }
  return results;
}

async function runMicro(options: Options, python: Availability): Promise<MicroRow[]> {
  const rows: MicroRow[] = [];
  const shapes = options.quick ? GEMM_SHAPES.filter((s) => s.m * s.k * s.n < 1e9) : GEMM_SHAPES;
  for (const system of microSystems(options)) {
    const id = systemId(system);
    const label = system.kind === 'tfjs' ? `TF.js ${system.backend}` : system.kind === 'numpy' ? `NumPy ×${system.threads}` : systemLabel(system);
    if (system.kind === 'numpy' && !python.ok) {
      rows.push({ id, label, system, status: 'skipped', note: python.reason });
      continue;
    }
    process.stderr.write(`\n▶ micro: ${label}\n`);
    try {
      const outcome = await runInChild<MicroOutcome>(
        { mode: 'micro', system, shapes, minSeconds: options.quick ? 0.1 : 0.5, latencySamples: options.quick ? 500 : 3000, seed: options.seed },
        { python: options.python },
      );
      rows.push({ id, label, system, status: 'ok', outcome, note: system.kind === 'numpy' ? `OpenBLAS threads ${system.threads}` : undefined });
    } catch (error) {
      rows.push({ id, label, system, status: 'failed', note: (error as Error).message });
      process.stderr.write(`  failed: ${(error as Error).message}\n`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.from) return showSaved(options.from);
  options.out ??= fileURLToPath(new URL('../../bench/results', import.meta.url));
  const unknownJobs = options.jobs.filter((id) => id !== 'none' && !JOBS.some((j) => j.id === id));
  if (unknownJobs.length > 0) {
    process.stderr.write(`--jobs: unknown job ${unknownJobs.join(', ')} (known: ${JOBS.map((j) => j.id).join(', ')}, none)\n`);
    process.exit(2);
  }
  const known = [...JOBS.flatMap((job) => trainSystems(job, { ...options, only: undefined })), ...microSystems({ ...options, only: undefined })].map(systemId);
  const unmatched = (options.only ?? []).filter((prefix) => !known.some((id) => id.startsWith(prefix)));
  if (unmatched.length > 0) {
    process.stderr.write(`--only: no system id starts with ${unmatched.join(', ')} (ids: ${[...new Set(known)].join(', ')})\n`);
    process.exit(2);
  }
  const started = new Date();
  const python = numpyAvailable(options.python);
  const torch = torchAvailable();
  const report: BenchReport = {
    date: isoDate(started),
    mode: options.quick ? 'quick' : 'full',
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.versions.node,
      loadAverageAtStart: loadavg()[0]!.toFixed(2),
    },
    notes: [
      'each system runs in its own process; wall time = training loop with all evaluations, data loading excluded',
      'every run evaluates at iteration 0, every 600 iterations, and once more at the end (the final accuracy)',
      ...(options.quick ? ['QUICK run: 1000 iterations per system (TF.js cpu 100), scaled rows marked; not comparable with the reference numbers'] : []),
      'a capped row (~, *) ran fewer iterations and evaluated once at its end; its wall time is extrapolated from its rates, its accuracy is not the job\'s',
      ...options.note,
    ],
    jobs: [],
    micro: [],
  };
  if (!python.ok) report.notes.push(`NumPy rows skipped: ${python.reason}`);
  if (!torch.ok) report.notes.push(`PyTorch rows skipped: ${torch.reason}`);

  const jobIds = options.jobsGiven ? options.jobs : options.quick ? ['two-layer'] : options.jobs;
  for (const job of JOBS.filter((j) => jobIds.includes(j.id))) {
    const results = await runJob(options.quick ? quickJob(job) : job, options, python, torch);
    report.jobs.push(results);
  }
  const processRuns = options.processes ?? (!options.quick && jobIds.includes('two-layer') ? 3 : 0);
  if (processRuns > 0) report.processes = runProcesses(processRuns, options.python, python.ok, options.seed);
  if (options.micro) {
    report.micro.push(...(await runMicro(options, python)));
    report.notes.push('GEMM shapes "A = MNIST": A is the first 100 training images (81% zeros), as the first layer\'s X; GFLOP/s counts the dense product\'s 2·M·K·N flops, so a kernel that skips zeros shows more than it computes');
  }
  report.machine['loadAverageAtEnd'] = loadavg()[0]!.toFixed(2);
  report.machine['minutes'] = ((Date.now() - started.getTime()) / 60000).toFixed(1);

  const path = resultPath(options.out, report.date, report.mode);
  writeReport(path, report);
  await show(report, path);
}

/** Prints the report and writes its charts beside its JSON file. */
async function show(report: BenchReport, jsonPath: string): Promise<void> {
  const charts = await writeBarCharts(report, jsonPath.replace(/\.json$/, ''));
  process.stdout.write(`\n${formatReport(report)}`);
  process.stdout.write(`\nsaved ${[jsonPath, ...charts.written].join(', ')}\n`);
  for (const problem of charts.problems) process.stdout.write(`no chart: ${problem}\n`);
}

/** --from FILE.json: the tables and charts of a saved run, nothing measured. */
async function showSaved(path: string): Promise<void> {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  } catch (error) {
    process.stderr.write(`--from ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}\n`);
    process.exit(2);
  }
  if (!Array.isArray(report.jobs) || !Array.isArray(report.micro) || typeof report.date !== 'string') {
    process.stderr.write(`--from ${path}: not a bench results file (needs date, jobs and micro)\n`);
    process.exit(2);
  }
  await show(report, path);
}

await main();
