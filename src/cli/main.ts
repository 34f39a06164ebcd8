#!/usr/bin/env node
// scratchnet's command line: one file per command; this one wires them up and turns
// user errors into one line and a non-zero exit.

// NOTE: heavy native and rendering modules are imported when a command runs, so one command
// does not pay another's memory (the reference job must stay under 400 MB of RSS).
// NOTE: first, so that its clock starts before the other modules load (SCRATCHNET_PROFILE=1).
import { markPhase } from './phases.js';
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { EnvironmentError, InputError } from '../errors.js';
import { compareCommand } from './compare.js';
import { evaluateCommand } from './evaluate.js';
import { exportCommand } from './export.js';
import { gradcheckCommand } from './gradcheck.js';
import { INTERRUPTED_EXIT_CODE, Interrupted } from './interrupt.js';
import { predictCommand } from './predict.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';

// A reader that stops early (`scratchnet evaluate … | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** The installed package's own version, from its package.json (dist/src/cli/ → the package root). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

const EXAMPLES = `
Examples:
  scratchnet train                                    the book's 784-50-10 net on MNIST (about 97% test accuracy)
  scratchnet gradcheck                                backprop against numerical gradients (float64)
  scratchnet compare optimizers                       the book's chapter 6 optimizers, side by side
  scratchnet evaluate runs/x/model.safetensors        accuracy, per-class scores, confusion matrix
  scratchnet predict runs/x/model.safetensors 7.png   the classes of your own digit images
  scratchnet export runs/x/model.safetensors          an ONNX model for onnxruntime
  scratchnet serve                                    the browser page: watch a net learn, draw digits for it

scratchnet <command> --help describes every option of a command.`;

const program = new Command('scratchnet')
  .description('neural networks from scratch in TypeScript, trained by backpropagation')
  .version(packageVersion(), '-V, --version', "print scratchnet's version")
  .addHelpText('after', EXAMPLES)
  .exitOverride();

for (const command of [trainCommand(), gradcheckCommand(), compareCommand(), evaluateCommand(), predictCommand(), exportCommand(), serveCommand()]) {
  program.addCommand(command.exitOverride());
}

markPhase('imports');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander has already printed its one-line message (or the help text)
    process.exitCode = error.exitCode;
  } else if (error instanceof InputError) {
    console.error(`scratchnet: ${error.message}`);
    process.exitCode = 1;
  } else if (error instanceof Interrupted) {
    console.error(`scratchnet: ${error.message}`);
    process.exitCode = INTERRUPTED_EXIT_CODE;
  } else if (error instanceof EnvironmentError) {
    console.error(`scratchnet: ${error.message}`);
    process.exitCode = 74;
  } else {
    console.error(`scratchnet: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 70;
  }
}
