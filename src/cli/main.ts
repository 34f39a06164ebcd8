#!/usr/bin/env node
// scratchnet's command line: one file per command; this one wires them up and turns
// user errors into one line and a non-zero exit.

import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.js';
import { compareCommand } from './compare.js';
import { gradcheckCommand } from './gradcheck.js';
import { trainCommand } from './train.js';

const program = new Command('scratchnet')
  .description('neural networks from scratch in TypeScript, trained by backpropagation')
  .exitOverride();

for (const command of [trainCommand(), gradcheckCommand(), compareCommand()]) {
  program.addCommand(command.exitOverride());
}

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
