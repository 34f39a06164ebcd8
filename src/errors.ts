/**
 * A problem with what the user gave us (a file, an option, a value). The CLI prints its
 * message as one line and exits non-zero, without a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
