// Compiles the structures of the reference job's charts from Vega-Lite to Vega (see
// src/report/compiled-charts.ts), into dist/src/report/compiled-charts.json. Run by `npm run
// build` after tsc, from the modules it has just compiled.

import { writeFileSync } from 'node:fs';
import { COMPILED_CHARTS_FILE, compileStructures } from '../dist/src/report/compiled-charts.js';
import { referenceChartSpecs } from '../dist/src/report/reference-charts.js';

writeFileSync(COMPILED_CHARTS_FILE, `${JSON.stringify(await compileStructures(referenceChartSpecs()))}\n`);
