// The bench's whole-process table: scratchnet's phase line read back, medians, the ratio, and
// a report that holds it printed with the other tables.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProcesses, median, profilePhases, type ProcessResults } from '../bench/processes.js';
import type { BenchReport } from '../bench/results.js';
import { formatReport } from '../bench/tables.js';

const results: ProcessResults = {
  title: 'The reference job, whole processes (start to exit)',
  numpy: [20, 19.5, 21].map((seconds) => ({ seconds, peakRssMB: 640, testAccuracy: 0.9722, loadAverage: 1 })),
  scratchnet: [
    { seconds: 5.2, peakRssMB: 204.5, testAccuracy: 0.9692, loadAverage: 1.2, phases: { node: 190, data: 260, train: 3000, total: 5100 } },
    { seconds: 4.8, peakRssMB: 206, testAccuracy: 0.9692, loadAverage: 1.1, phases: { node: 210, data: 240, train: 2900, total: 4700 } },
    { seconds: 5.0, peakRssMB: 203, testAccuracy: 0.9692, loadAverage: 0.9, phases: { node: 200, data: 250, train: 3100, total: 4900 } },
  ],
};

test('profilePhases reads the SCRATCHNET_PROFILE line, names with spaces included', () => {
  assert.deepEqual(profilePhases('epoch 1\nprofile (ms): node 190 | data 250 | not a name 3 | total 5000\n'), { node: 190, data: 250, 'not a name': 3, total: 5000 });
  assert.equal(profilePhases('no profile here'), undefined);
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('the table gives each side\'s median and range, the ratio of the medians, and the phases', () => {
  const text = formatProcesses(results);
  assert.match(text, /NumPy, the book's program \(×1\)\s+20\.00 s \(19\.50–21\.00, 3 runs\), peak RSS 640 MB, test acc 0\.9722/);
  assert.match(text, /scratchnet train \(wasm, all cores\)\s+5\.00 s \(4\.80–5\.20, 3 runs\), peak RSS 206 MB, test acc 0\.9692, load 1\.2\/1\.1\/0\.9/);
  assert.match(text, /scratchnet \/ NumPy: 0\.250/);
  assert.match(text, /phases \(ms, medians\): node 200 \| data 250 \| train 3000 \| total 4900/);
  const withoutNumpy = formatProcesses({ ...results, numpy: [], note: 'NumPy skipped: python3 has no numpy' });
  assert.doesNotMatch(withoutNumpy, /scratchnet \/ NumPy/);
  assert.match(withoutNumpy, /NumPy, the book's program \(×1\)\s+–/);
  assert.match(withoutNumpy, /note: NumPy skipped/);
});

test('a report with whole processes prints them after the jobs', () => {
  const report: BenchReport = { date: '2026-12-02', mode: 'full', machine: { cpus: 2 }, notes: [], jobs: [], micro: [], processes: results };
  assert.match(formatReport(report), /The reference job, whole processes \(start to exit\)\n {2}NumPy/);
  assert.doesNotMatch(formatReport({ ...report, processes: undefined }), /whole processes/);
});
