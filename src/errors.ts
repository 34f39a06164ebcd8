/**
 * A problem with what the user gave us (a file, an option, a value). The CLI prints its
 * message as one line and exits non-zero, without a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * A file that scratchnet itself ships (the WebAssembly kernels) is missing or unreadable: the
 * installation is broken, not the user's input and not a bug. The CLI prints one line that
 * names the file and exits non-zero, without a stack trace.
 */
export class BrokenInstallError extends Error {
  override readonly name = 'BrokenInstallError';
}
