/**
 * A problem with what the user gave us (a file, an option, a value). The CLI prints its
 * message as one line and exits non-zero, without a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * The machine or the installation stops us, not the user's input and not a bug: a full disk,
 * a file that scratchnet itself ships (the WebAssembly kernels) missing or damaged. The CLI
 * prints its message as one line (naming the file) and exits with 74 (EX_IOERR).
 */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** Error codes of a write that failed for want of room, not because of the path asked for. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** The error to throw for a failed write to `path`: a full disk is the machine's, anything else the path's. */
export function writeError(path: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code && NO_ROOM.has(code)) return new EnvironmentError(`${path}: cannot write, no space left on the device (${code})`);
  return new InputError(`${path}: cannot write (${(error as Error).message})`);
}
