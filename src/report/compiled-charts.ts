// Charts drawn without Vega-Lite's compile and Vega's parse at run time. `npm run build`
// (scripts/build-charts.mjs) takes the charts `scratchnet train` draws for the reference job,
// compiles their structure (chart-structure.ts) to Vega and parses that into Vega's dataflow
// description, and writes the result to compiled-charts.json next to this module. A spec of the
// same structure then costs a JSON parse that puts its values in; any other spec is compiled
// and parsed as before (Vega-Lite is loaded then, and only then). Either way the dataflow, and
// so the picture, is the same: test/report-compiled-charts.test.ts.
// (At the end of a run, cold, the compile and the parse took about 0.1 s of the 0.3 s charts.)

import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { collectingLogger } from './chart-logger.js';
import { fillSlots, type SlotPlace, slotPlaces, type SplitChart, splitChart } from './chart-structure.js';

/** The file `npm run build` writes. */
export const COMPILED_CHARTS_FILE = new URL('./compiled-charts.json', import.meta.url);

/** A structure's dataflow (a JSON text, with the slot markers), where the markers are, and Vega-Lite's warnings. */
export interface CompiledStructure {
  structure: TopLevelSpec;
  runtime: string;
  places: SlotPlace[];
  warnings: string[];
}

export interface CompiledChartsFile {
  /** The versions that made it: with others installed, every spec compiles afresh. */
  vega: string;
  vegaLite: string;
  charts: CompiledStructure[];
}

/** The version of the Vega-Lite that `import('vega-lite')` loads, from its package.json. */
export function installedVegaLiteVersion(): string {
  const packageJson = new URL('../package.json', import.meta.resolve('vega-lite'));
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/**
 * The compiled structures in `file`, by key. None when the file is missing or unreadable, or was
 * made with other versions of Vega or Vega-Lite than those installed.
 */
export function readCompiledCharts(file: URL | string = COMPILED_CHARTS_FILE): Map<string, CompiledStructure> {
  const byKey = new Map<string, CompiledStructure>();
  try {
    const made = JSON.parse(readFileSync(file, 'utf8')) as CompiledChartsFile;
    if (made.vega !== vega.version || made.vegaLite !== installedVegaLiteVersion()) return byKey;
    for (const chart of made.charts) byKey.set(JSON.stringify(chart.structure), chart);
  } catch {
    // NOTE: a lost speed-up, never a failure: the specs compile.
  }
  return byKey;
}

let compiled: Map<string, CompiledStructure> | undefined;

/** The compiled structures of this build, read once (the chart worker reads them as it starts). */
export function buildStructures(): Map<string, CompiledStructure> {
  compiled ??= readCompiledCharts();
  return compiled;
}

/** The build's compiled structure for `spec`, or undefined. */
export function compiledStructureOf(spec: TopLevelSpec): CompiledStructure | undefined {
  const split = splitOrUndefined(spec);
  return split && buildStructures().get(split.key);
}

/**
 * `spec`'s Vega dataflow description (what `vega.parse` gives): from the build's compiled
 * structures (or `structures`) when one fits, else compiled by Vega-Lite and parsed by Vega.
 * Vega-Lite's warnings go to `logger` either way. Throws what Vega-Lite and Vega throw.
 */
export async function chartRuntime(spec: TopLevelSpec, logger: vega.LoggerInterface, structures = buildStructures()): Promise<vega.Runtime> {
  const split = splitOrUndefined(spec);
  const structure = split && structures.get(split.key);
  const runtime = structure && filled(structure, split.slots);
  if (runtime) {
    for (const warning of structure.warnings) logger.warn(warning);
    return runtime;
  }
  const { compile } = await import('vega-lite');
  return vega.parse(compile(spec, { logger }).spec);
}

/** NOTE: a spec JSON cannot hold (a cycle) is left to Vega-Lite, which says what is wrong as before. */
function splitOrUndefined(spec: TopLevelSpec): SplitChart | undefined {
  try {
    return splitChart(spec);
  } catch {
    return undefined;
  }
}

function filled(structure: CompiledStructure, slots: readonly unknown[]): vega.Runtime | undefined {
  try {
    return fillSlots(structure.runtime, structure.places, slots, vega.stringValue) as vega.Runtime;
  } catch {
    return undefined; // NOTE: a damaged file, found by its first use; the spec compiles.
  }
}

/**
 * The file's content for `specs`. Throws when a structure's dataflow does not hold each of its
 * slots once, as a whole value (its values could not be put back).
 */
export async function compileStructures(specs: readonly TopLevelSpec[]): Promise<CompiledChartsFile> {
  const { compile, version } = await import('vega-lite');
  const charts = specs.map((spec) => {
    const { structure, slots } = splitChart(spec);
    const logger = collectingLogger();
    const runtime = JSON.stringify(vega.parse(compile(structure, { logger }).spec));
    if (logger.errors.length > 0) throw new Error(logger.errors.join('; '));
    const places = slotPlaces(runtime, slots.length);
    if (!places) throw new Error('a chart structure gave a Vega dataflow that does not hold each of its values once');
    return { structure, runtime, places, warnings: logger.warnings };
  });
  return { vega: vega.version, vegaLite: version, charts };
}
