// The bench's result handling: rates, extrapolation of capped runs, tables, the JSON file.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chartBars, wallTimeChart, writeBarCharts } from '../bench/chart.js';
import { readPngSize } from './helpers/png-info.js';
import { evaluatedImages, evaluationCount } from '../bench/job.js';
import type { TrainOutcome } from '../bench/protocol.js';
import { derive, isoDate, resultPath, writeReport, type BenchReport } from '../bench/results.js';
import { formatJobTable, formatReport, formatTable } from '../bench/tables.js';

function outcome(overrides: Partial<TrainOutcome>): TrainOutcome {
  return {
    iterations: 100,
    evaluations: 2,
    wallSeconds: 3,
    trainSeconds: 2,
    evalSeconds: 1,
    evaluatedImages: 200,
    finalTrainAccuracy: 0.9,
    finalTestAccuracy: 0.91,
    firstLoss: 2.3,
    lastLoss: 0.3,
    peakRssMB: 123.4,
    ...overrides,
  };
}

function fakeReport(): BenchReport {
  const planned = { iterations: 100, evaluations: evaluationCount(100, 60), evaluatedImages: 300 };
  const numpy = outcome({ wallSeconds: 4, trainSeconds: 3, evalSeconds: 1 });
  const capped = outcome({ iterations: 10, evaluations: 2, wallSeconds: 5, trainSeconds: 1, evalSeconds: 4, evaluatedImages: 200, finalTestAccuracy: 0.5 });
  const fast = outcome({ wallSeconds: 2, trainSeconds: 1.5, evalSeconds: 0.5, finalTestAccuracy: 0.9123 });
  const rates = (o: TrainOutcome) => derive(o, planned.iterations, planned.evaluatedImages);
  return {
    date: '2030-01-02',
    mode: 'quick',
    machine: { cores: 2 },
    notes: ['fake'],
    jobs: [
      {
        id: 'two-layer',
        title: 'fake job',
        ...planned,
        rows: [
          { id: 'numpy', label: 'NumPy', system: { kind: 'numpy' }, status: 'ok', outcome: numpy, derived: rates(numpy) },
          { id: 'tfjs-cpu-manual', label: 'TF.js cpu', system: { kind: 'tfjs', backend: 'cpu', variant: 'manual' }, status: 'ok', outcome: capped, derived: rates(capped) },
          { id: 'scratchnet-js-1', label: 'scratchnet js ×1', system: { kind: 'scratchnet', backend: 'js', threads: 1 }, status: 'ok', outcome: fast, derived: rates(fast) },
          { id: 'scratchnet-wasm-1', label: 'scratchnet wasm ×1', system: { kind: 'scratchnet', backend: 'wasm', threads: 1 }, status: 'failed', note: 'backend missing' },
        ],
      },
    ],
    micro: [
      {
        id: 'scratchnet-js-1',
        label: 'scratchnet js ×1',
        system: { kind: 'scratchnet', backend: 'js', threads: 1 },
        status: 'ok',
        outcome: { gemm: [{ shape: '2·3·4', gflops: 1.25 }], inference: { batchImagesPerSecond: 1_234_567, singleImageMicroseconds: 12.34 }, peakRssMB: 50 },
      },
    ],
  };
}

test('evaluationCount: scheduled evaluations at 0, every evalEvery, plus the final one', () => {
  assert.equal(evaluationCount(10000, 600), 18);
  assert.equal(evaluationCount(1000, 600), 3);
  assert.equal(evaluationCount(1200, 600), 3);
  assert.equal(evaluationCount(5, 0), 1);
});

test('evaluatedImages: scheduled evaluations on the sample, the final one on everything', () => {
  assert.equal(evaluatedImages({ iterations: 10000, evalEvery: 600 }, 60000, 10000), 18 * 70000);
  assert.equal(evaluatedImages({ iterations: 3000, evalEvery: 600, evalSamples: 5000 }, 60000, 10000), 5 * 10000 + 70000);
  assert.equal(evaluatedImages({ iterations: 3000, evalEvery: 600, evalSamples: 20000 }, 60000, 10000), 5 * 30000 + 70000);
});

test('derive: rates per iteration and per evaluation; extrapolation only for short runs', () => {
  const full = derive(outcome({ iterations: 100, trainSeconds: 2, evaluations: 4, evalSeconds: 1 }), 100, 400);
  assert.equal(full.msPerIteration, 20);
  assert.equal(full.secondsPerEvaluation, 0.25);
  assert.equal(full.extrapolatedWallSeconds, undefined);
  // 100 ms per iteration, 4 s for 200 images: 100 iterations and 300 images planned
  const short = derive(outcome({ iterations: 10, trainSeconds: 1, evaluations: 2, evalSeconds: 4, evaluatedImages: 200 }), 100, 300);
  assert.equal(short.msPerIteration, 100);
  assert.equal(short.secondsPerEvaluation, 2);
  assert.equal(short.extrapolatedWallSeconds, 0.1 * 100 + 0.02 * 300);
});

test('formatTable: every line as wide as the header, numbers right-aligned', () => {
  const table = formatTable(['name', 'value'], [['a', '1.5'], ['longer name', '12.25']], ['l', 'r']);
  const lines = table.split('\n');
  assert.equal(lines.length, 4);
  assert.ok(lines.every((line) => line.length === lines[0]!.length), table);
  assert.match(lines[1]!, /^\|-+\|-+:\|$/);
  assert.match(lines[2]!, /\| {3}1\.5 \|$/);
});

test('formatJobTable: real rows, a marked extrapolated row with footnote, a failed row', () => {
  const table = formatJobTable(fakeReport().jobs[0]!);
  const row = (label: string) => table.split('\n').find((line) => line.startsWith(`| ${label} `)) ?? assert.fail(`no row ${label} in\n${table}`);
  assert.match(row('NumPy'), /\|\s+4\.0 \|\s+30\.00 \|\s+0\.500 \|\s+0\.9100 \|\s+123 \|\s+1\.00× \|/);
  // capped: 100 ms/iteration × 100 + 0.02 s/image × 300 images = 16 s; its accuracy in parentheses
  assert.match(row('TF.js cpu'), /\|\s+~16\.0 \|\s+100\.00 \|\s+2\.000 \|\s+\(0\.5000\) \|/);
  assert.match(row('TF.js cpu'), /ran 10 it \*/);
  assert.match(table, /\* TF\.js cpu: ran 10 of 100 iterations/);
  assert.match(row('scratchnet js ×1'), /\|\s+2\.0 \|.*\|\s+0\.9123 \|.*\|\s+2\.00× \|/);
  assert.match(row('scratchnet wasm ×1'), /failed: backend missing/);
});

test('formatReport: header, notes, GEMM and inference tables', () => {
  const text = formatReport(fakeReport());
  assert.match(text, /QUICK/);
  assert.match(text, /note: fake/);
  assert.match(text, /\| 2·3·4 +\| +1\.3 \|/);
  assert.match(text, /\| scratchnet js ×1 +\| +1\.23 M \| +12\.3 \|/);
});

test('chartBars: one bar per successful run of a job, extrapolated ones labelled', () => {
  const bars = chartBars(fakeReport().jobs[0]!);
  assert.deepEqual(
    bars.map((b) => [b.name, b.value, b.group]),
    [
      ['NumPy', 4, 'NumPy'],
      ['TF.js cpu (extrapolated)', 16, 'TensorFlow.js'],
      ['scratchnet js ×1', 2, 'scratchnet'],
    ],
  );
});

test('wallTimeChart: a log axis when the slowest bar is over 20× the fastest, linear otherwise', () => {
  const report = fakeReport();
  const job = report.jobs[0]!;
  const xScale = (j: typeof job) => (wallTimeChart(report, j) as unknown as { encoding: { x: { scale?: { type: string } } } }).encoding.x.scale?.type;
  assert.equal(xScale(job), undefined, 'NumPy 4 s, TF.js 16 s, scratchnet 2 s: 8×');
  const slow = { ...job, rows: job.rows.map((r) => (r.outcome && r.id.startsWith('numpy') ? { ...r, outcome: { ...r.outcome, wallSeconds: 400 } } : r)) };
  assert.equal(xScale(slow), 'log', '400 s against 2 s');
});

test('writeReport: dated file name, valid JSON round trip, no temporary file left', () => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-results-'));
  try {
    const report = fakeReport();
    const path = resultPath(join(folder, 'results'), report.date, report.mode);
    assert.equal(path, join(folder, 'results', '2030-01-02-quick.json'));
    assert.equal(resultPath(folder, '2030-01-02', 'full'), join(folder, '2030-01-02.json'));
    writeReport(path, report);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), JSON.parse(JSON.stringify(report)));
    assert.deepEqual(readdirSync(join(folder, 'results')), ['2030-01-02-quick.json']);
    assert.ok(!existsSync(`${path}.tmp`));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('isoDate: local date, zero-padded', () => {
  assert.equal(isoDate(new Date(2031, 0, 5, 23, 59)), '2031-01-05');
});

test('writeBarCharts: one PNG per job with runs, written atomically', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-chart-'));
  try {
    const report = fakeReport();
    const second = { ...report.jobs[0]!, id: 'cnn', title: 'second job' };
    const skipped = { ...report.jobs[0]!, id: 'empty', rows: [] };
    const result = await writeBarCharts({ ...report, jobs: [report.jobs[0]!, skipped, second] }, join(folder, 'bench'));
    assert.deepEqual(result, { written: [join(folder, 'bench.png'), join(folder, 'bench-cnn.png')], problems: [] });
    for (const file of result.written) {
      const size = readPngSize(readFileSync(file));
      assert.ok(size.width > 200 && size.height > 100, JSON.stringify(size));
    }
    assert.deepEqual(readdirSync(folder).sort(), ['bench-cnn.png', 'bench.png']);
    const none = await writeBarCharts({ ...report, jobs: [] }, join(folder, 'none'));
    assert.deepEqual(none, { written: [], problems: ['no successful training run to chart'] });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('formatJobTable: a job skipped for one reason is one line, not a table', () => {
  const job = {
    id: 'cnn',
    title: 'cnn job',
    iterations: 10,
    evaluations: 2,
    evaluatedImages: 20,
    rows: [
      { id: 'a', label: 'A', system: { kind: 'numpy' } as const, status: 'skipped' as const, note: 'no conv layer' },
      { id: 'b', label: 'B', system: { kind: 'numpy' } as const, status: 'skipped' as const, note: 'no conv layer' },
    ],
  };
  const text = formatJobTable(job);
  assert.match(text, /skipped \(A, B\): no conv layer$/);
  assert.doesNotMatch(text, /\| system/);
});

test('formatJobTable: speeds are relative to the fastest full NumPy run', () => {
  const report = fakeReport();
  const job = report.jobs[0]!;
  const quickerNumpy = outcome({ wallSeconds: 1, trainSeconds: 0.5, evalSeconds: 0.5 });
  const rows = [...job.rows, { id: 'numpy-1', label: 'NumPy ×1', system: { kind: 'numpy', threads: 1 } as const, status: 'ok' as const, outcome: quickerNumpy, derived: derive(quickerNumpy, 100, 300) }];
  const table = formatJobTable({ ...job, rows });
  assert.match(table.split('\n').find((l) => l.startsWith('| scratchnet js ×1 '))!, /\|\s+0\.50× \|/);
  assert.match(table.split('\n').find((l) => l.startsWith('| NumPy ×1 '))!, /\|\s+1\.00× \|/);
});
