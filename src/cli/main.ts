#!/usr/bin/env node
// scratchnet's command line: one file per command; this one wires them up and turns
// user errors into one line and a non-zero exit.

// NOTE: heavy native and rendering modules are imported when a command runs, so one command
// does not pay another's memory (the reference job must stay under 400 MB of RSS).
// NOTE: first, so that its clock starts before the other modules load (SCRATCHNET_PROFILE=1).
import { markPhase } from './phases.js';
import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.js';
import { compareCommand } from './compare.js';
import { evaluateCommand } from './evaluate.js';
import { exportCommand } from './export.js';
import { gradcheckCommand } from './gradcheck.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

// A reader that stops early (`scratchnet evaluate … | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command('scratchnet')
  .description('neural networks from scratch in TypeScript, trained by backpropagation')
  .exitOverride();

for (const command of [trainCommand(), gradcheckCommand(), compareCommand(), evaluateCommand(), predictCommand(), exportCommand()]) {
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
  } else {
    console.error(`scratchnet: internal error: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 70;
  }
}
