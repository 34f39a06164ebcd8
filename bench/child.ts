// One benchmark run in its own process, so peak RSS belongs to one system:
//   node dist/bench/child.js REQUEST.json RESULT.json
// Progress goes to stderr; the outcome (or { error }) is written to RESULT.json.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadMnistPackage } from '../src/data/mnist-files.js';
import { closeBackends } from '../src/tensor/kernels/select.js';
import type { MicroOutcome, Request, TrainOutcome } from './protocol.js';

/** Imports only the system under test: TF.js loaded into a scratchnet run would count in its peak RSS. */
async function run(request: Request): Promise<TrainOutcome | MicroOutcome> {
  const { system } = request;
  if (system.kind === 'numpy') throw new Error('numpy runs as a python3 process, not through child.js');
  if (system.kind === 'scratchnet' && system.backend === 'page') {
    if (request.mode !== 'train') throw new Error('the page row is a training job only');
    return (await import('./systems/page.js')).trainPage(request);
  }
  const { micro, train } =
    system.kind === 'scratchnet'
      ? await import('./systems/scratchnet.js').then((m) => ({ micro: m.microScratchnet, train: m.trainScratchnet }))
      : await import('./systems/tfjs.js').then((m) => ({ micro: m.microTfjs, train: m.trainTfjs }));
  if (request.mode === 'micro') return micro(request);
  return train(request, () => loadMnistPackage({ keepShape: request.job.keepImageShape }));
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
