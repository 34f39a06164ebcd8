// One benchmark run in its own process, so peak RSS belongs to one system:
//   node dist/bench/child.js REQUEST.json RESULT.json
// Progress goes to stderr; the outcome (or { error }) is written to RESULT.json.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import { closeBackends } from '../src/tensor/kernels/select.js';
import type { MicroOutcome, Request, TrainOutcome } from './protocol.js';
import { microScratchnet, trainScratchnet } from './systems/scratchnet.js';
import { microTfjs, trainTfjs } from './systems/tfjs.js';

async function run(request: Request): Promise<TrainOutcome | MicroOutcome> {
  const { system } = request;
  if (system.kind === 'numpy') throw new Error('numpy runs as a python3 process, not through child.js');
  if (request.mode === 'micro') return system.kind === 'scratchnet' ? microScratchnet(request) : microTfjs(request);
  const load = () => loadMnistPackage({ keepShape: request.job.keepImageShape });
  return system.kind === 'scratchnet' ? trainScratchnet(request, load) : trainTfjs(request, load);
}

function write(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

const [requestPath, resultPath] = process.argv.slice(2);
if (!requestPath || !resultPath) {
  process.stderr.write('usage: node dist/bench/child.js REQUEST.json RESULT.json\n');
  process.exit(2);
}
try {
  write(resultPath, await run(JSON.parse(readFileSync(requestPath, 'utf8')) as Request));
} catch (error) {
  write(resultPath, { error: (error as Error).message });
  process.exitCode = 1;
} finally {
  await closeBackends(); // stops the wasm backend's worker threads
}
