// Ctrl-C during a command that trains. The first SIGINT asks the training loop to stop after
// its current iteration: the command saves what it has and exits 130 (128 + SIGINT, what a
// shell reports for a process Ctrl-C killed). A second one quits at once, as soon as the
// files being written (beforeQuit) are done: every file is written to a temporary file and
// renamed into place, so none is left half-written. A third one does not wait for them.
// NOTE: training is a synchronous loop; the handler runs only when the loop gives the event
// loop a turn (stepping.ts).

export const INTERRUPTED_EXIT_CODE = 130;

/** The user stopped the command with Ctrl-C: main prints the message (one line) and exits 130. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

export interface StopRequest {
  /** Whether Ctrl-C was pressed since listening began. */
  readonly requested: boolean;
  /** Gives Ctrl-C back its default (end the process). */
  release(): void;
  /** What a second Ctrl-C waits for before it quits (files still being written). */
  beforeQuit(settle: () => Promise<unknown>): void;
}

/** Listens for Ctrl-C; `note` is printed (stderr) at the first one. */
export function listenForStop(note: string): StopRequest {
  let requested = false;
  let quitting = false;
  let settle: () => Promise<unknown> = async () => {};
  const onSignal = (): void => {
    if (quitting) process.exit(INTERRUPTED_EXIT_CODE);
    if (requested) {
      quitting = true;
      process.stderr.write('scratchnet: quit at once (Ctrl-C twice)\n');
      void settle()
        .catch(() => {})
        .finally(() => process.exit(INTERRUPTED_EXIT_CODE));
      return;
    }
    requested = true;
    process.stderr.write(`\n${note}\n`);
  };
  process.on('SIGINT', onSignal);
  return {
    get requested() {
      return requested;
    },
    release: () => process.off('SIGINT', onSignal),
    beforeQuit: (wait) => {
      settle = wait;
    },
  };
}
