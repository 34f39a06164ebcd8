// The benchmark's results as plain-text tables for the console (and for notes: they are
// valid Markdown tables).

import { formatProcesses } from './processes.js';
import type { BenchReport, JobResults, MicroRow } from './results.js';

/** A Markdown table with columns padded to their widest cell; `align` 'r' right-aligns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, c) => (align[c] === 'r' ? (cells[c] ?? '').padStart(w) : (cells[c] ?? '').padEnd(w))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** 1234567 → "1.23 M", 190000 → "190 k". */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)} k`;
  return value.toFixed(0);
}

/** The training table of one job; scaled rows carry a '~' and a footnote. */
export function formatJobTable(job: JobResults): string {
  const heading = `${job.title} — ${job.iterations} iterations, ${job.evaluations} evaluations (${job.evaluatedImages.toLocaleString('en-US')} images classified in all)`;
  const notes = new Set(job.rows.map((r) => r.note));
  if (job.rows.length > 0 && job.rows.every((r) => r.status === 'skipped') && notes.size === 1) {
    return `${heading}\n\nskipped (${job.rows.map((r) => r.label).join(', ')}): ${job.rows[0]!.note ?? ''}`;
  }
  // the fastest full run of NumPy (and of PyTorch) is the yardstick (the harder comparison when several ran)
  const fastest = (kind: 'numpy' | 'torch'): number | undefined => {
    const walls = job.rows
      .filter((r) => r.system.kind === kind && r.status === 'ok' && r.outcome && r.derived?.extrapolatedWallSeconds === undefined)
      .map((r) => r.outcome!.wallSeconds);
    return walls.length > 0 ? Math.min(...walls) : undefined;
  };
  const referenceWall = fastest('numpy');
  const torchWall = fastest('torch');
  const footnotes: string[] = [];
  const rows = job.rows.map((row) => {
    const { outcome, derived } = row;
    if (row.status !== 'ok' || !outcome || !derived) return [row.label, '–', '–', '–', '–', '–', '–', '–', `${row.status}: ${row.note ?? ''}`];
    const scaled = derived.extrapolatedWallSeconds !== undefined;
    const wall = scaled ? derived.extrapolatedWallSeconds : outcome.wallSeconds;
    let note = row.note ?? '';
    if (scaled) {
      footnotes.push(
        `* ${row.label}: ran ${outcome.iterations} of ${job.iterations} iterations (${fixed(outcome.wallSeconds, 1)} s); ` +
          `wall time extrapolated from its rates, its accuracy is that of the shorter run.`,
      );
      note = [note, `ran ${outcome.iterations} it *`].filter(Boolean).join('; ');
    }
    return [
      row.label,
      scaled ? `~${fixed(wall, 1)}` : fixed(wall, 1),
      fixed(derived.msPerIteration, 2),
      fixed(derived.secondsPerEvaluation, 3),
      scaled ? `(${fixed(outcome.finalTestAccuracy, 4)})` : fixed(outcome.finalTestAccuracy, 4),
      fixed(outcome.peakRssMB, 0),
      referenceWall ? `${fixed(referenceWall / wall, 2)}×` : '–',
      torchWall ? `${fixed(torchWall / wall, 2)}×` : '–',
      note,
    ];
  });
  const table = formatTable(
    ['system', 'wall s', 'ms/iter', 's/eval', 'test acc', 'peak RSS MB', 'vs best NumPy', 'vs PyTorch', 'note'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  return [heading, '', table, ...(footnotes.length ? ['', ...footnotes] : [])].join('\n');
}

/** GFLOP/s: one row per shape, one column per system that measured GEMM. */
export function formatGemmTable(micro: readonly MicroRow[]): string {
  const measured = micro.filter((m) => m.status === 'ok' && m.outcome && m.outcome.gemm.length > 0);
  const shapes = [...new Set(measured.flatMap((m) => m.outcome!.gemm.map((g) => g.shape)))];
  const rows = shapes.map((shape) => [shape, ...measured.map((m) => fixed(m.outcome!.gemm.find((g) => g.shape === shape)?.gflops ?? NaN, 1))]);
  return formatTable(['GEMM GFLOP/s (M·K·N)', ...measured.map((m) => m.label)], rows, ['l', ...measured.map(() => 'r' as const)]);
}

/** Batched inference over the 10 000 test images and single-image latency. */
export function formatInferenceTable(micro: readonly MicroRow[]): string {
  const rows = micro.map((m) => {
    const inference = m.outcome?.inference;
    if (m.status !== 'ok' || !inference) return [m.label, '–', '–', `${m.status}: ${m.note ?? ''}`];
    return [m.label, compact(inference.batchImagesPerSecond), fixed(inference.singleImageMicroseconds, 1), m.note ?? ''];
  });
  return formatTable(['inference (784-50-10)', '10 000 test images: images/s', '1 image: µs (median)', 'note'], rows, ['l', 'r', 'r', 'l']);
}

export function formatReport(report: BenchReport): string {
  const header = [
    `scratchnet bench — ${report.date} — ${report.mode === 'quick' ? 'QUICK (scaled-down job, not the reference numbers)' : 'full reference job'}`,
    Object.entries(report.machine).map(([k, v]) => `${k}: ${v}`).join(' · '),
    ...report.notes.map((n) => `note: ${n}`),
  ];
  const parts = [header.join('\n'), ...report.jobs.map(formatJobTable)];
  if (report.processes) parts.push(formatProcesses(report.processes));
  if (report.micro.length > 0) parts.push(formatGemmTable(report.micro), formatInferenceTable(report.micro));
  return `${parts.join('\n\n')}\n`;
}
