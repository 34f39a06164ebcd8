// Training progress: a live one-line bar on a terminal (iteration, loss, iterations/s, ETA);
// elsewhere nothing but the lines the command prints.
// NOTE: the bar is drawn by the caller's loop, not by a timer: training runs synchronously
// and gives the event loop a turn only every 50 ms (stepping.ts), too seldom for a timer's frames.
// Terminal writes are synchronous in Node on Linux and macOS, so a frame shows as it is written.

export interface Progress {
  /** After each iteration (0-based); draws at most every `interval` ms, else costs one clock read. */
  update(iteration: number, loss?: number): void;
  /** Prints a line (to stdout) above the bar, or plainly when there is no bar. */
  log(line: string): void;
  /** Erases the bar: what follows starts on a clean line. */
  stop(): void;
}

/** What the bar writes to: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Where log lines go (default console.log, i.e. stdout). */
  print?: (line: string) => void;
  /** Milliseconds, monotonic (default performance.now). */
  now?: () => number;
  /** Least time between two frames, ms (default 100: ten frames a second). */
  interval?: number;
  /** Shown before the bar (compare: the variant being trained). */
  label?: string;
  /** What is counted, for the speed: 'it' (iterations, the default) … */
  unit?: string;
  /** Show the loss (default true). */
  loss?: boolean;
  /** Iterations already done before this process (a resumed run): not counted in the speed. */
  from?: number;
}

const MAX_BAR_WIDTH = 40;
const MIN_BAR_WIDTH = 10;
const ERASE_LINE = '\r\x1b[2K';

export function createProgress(total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const print = options.print ?? ((line: string) => console.log(line));
  if (!stream.isTTY || process.env.TERM === 'dumb') return { update() {}, log: print, stop() {} };
  const now = options.now ?? (() => performance.now());
  const interval = options.interval ?? 100;
  let lastDraw = -Infinity;
  let done = options.from ?? 0;
  let lastLoss = Number.NaN;
  let shown = false;
  // The speed counts from the last evaluation line (or the start): evaluations are not iterations.
  let since = { at: now(), done };

  const draw = (at: number): void => {
    lastDraw = at;
    shown = true;
    const speed = (done - since.done) / ((at - since.at) / 1000);
    // A line wider than the terminal would wrap, and `\r` would then redraw only its last part.
    const width = (stream.columns || 80) - 1;
    const label = options.label ? ` ${options.label}`.slice(0, width) : '';
    const text = barText(done, total, { loss: options.loss === false ? undefined : lastLoss, speed, unit: options.unit }, width - label.length);
    stream.write(`${ERASE_LINE}${label}${text}`);
  };
  const erase = (): void => {
    if (shown) stream.write(ERASE_LINE);
    shown = false;
  };
  draw(since.at);
  return {
    update(iteration, loss) {
      done = iteration + 1;
      if (loss !== undefined) lastLoss = loss;
      const at = now();
      if (at - lastDraw >= interval) draw(at);
    },
    log(line) {
      erase();
      print(line);
      since = { at: now(), done };
      draw(since.at);
    },
    stop: erase,
  };
}

export interface BarFields {
  /** NaN: not known yet; undefined: not shown. */
  loss?: number;
  /** Per second; NaN or ∞ while not known. */
  speed: number;
  unit?: string;
}

/**
 * ` ██████░░░░ 1200/10000 | loss 0.2345 | 3400 it/s | ETA 3s` in at most `width` characters
 * (the bar shrinks first).
 */
export function barText(done: number, total: number, fields: BarFields, width = 79): string {
  const { loss, speed, unit = 'it' } = fields;
  const known = Number.isFinite(speed) && speed > 0;
  const eta = known ? formatDuration((total - done) / speed) : '-';
  const lossText = loss === undefined ? '' : ` | loss ${Number.isNaN(loss) ? '-' : loss.toFixed(4)}`;
  const text = ` ${done}/${total}${lossText} | ${known ? speed.toFixed(0) : '-'} ${unit}/s | ETA ${eta}`;
  const barWidth = Math.min(MAX_BAR_WIDTH, width - 1 - text.length);
  if (barWidth < MIN_BAR_WIDTH) return text.slice(0, Math.max(width, 0));
  const filled = Math.round((total > 0 ? Math.min(done / total, 1) : 1) * barWidth);
  return ` ${'\u2588'.repeat(filled)}${'\u2591'.repeat(barWidth - filled)}${text}`;
}

/** 42s, 3m07s, 1h02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A one-line note of what a command is doing, for steps without iterations to count. */
export interface Status {
  /** Replaces the note (on a terminal; elsewhere nothing is shown). */
  show(text: string): void;
  /** Erases it: what follows starts on a clean line. */
  clear(): void;
}

export function createStatus(stream: ProgressStream = process.stderr): Status {
  if (!stream.isTTY || process.env.TERM === 'dumb') return { show() {}, clear() {} };
  let shown = false;
  return {
    show(text) {
      shown = true;
      stream.write(`${ERASE_LINE} ${text}`.slice(0, (stream.columns || 80) - 1 + ERASE_LINE.length));
    },
    clear() {
      if (shown) stream.write(ERASE_LINE);
      shown = false;
    },
  };
}
