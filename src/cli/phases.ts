// Where a process's time goes. With SCRATCHNET_PROFILE=1 the command prints, on exit, one
// line to stderr: the milliseconds from the process's start to this module's evaluation
// ("node": Node's own start, then reading, parsing and linking every static module), then
// between the points the command marks. main.ts imports this module first, so its first mark,
// "imports", is the time the other modules take to run.
// Off by default: marking is then a no-op, and nothing is printed.

const enabled = typeof process === 'object' && process.env.SCRATCHNET_PROFILE === '1';
const points: { name: string; at: number }[] = enabled ? [{ name: 'node', at: performance.now() }] : [];
const extra: Record<string, number> = {};

/** Ends the phase called `name` now (it began at the previous mark). */
export function markPhase(name: string): void {
  if (enabled) points.push({ name, at: performance.now() });
}

/** Splits `ms` off the phase called `from` as its own phase `name` (e.g. evaluations out of training). */
export function splitPhase(from: string, name: string, ms: number): void {
  if (enabled) extra[`${from}>${name}`] = ms;
}

export function profileLine(): string {
  const parts: [string, number][] = [];
  let previous = 0;
  for (const { name, at } of points) {
    const splits = Object.entries(extra).filter(([key]) => key.startsWith(`${name}>`));
    const splitMs = splits.reduce((sum, [, ms]) => sum + ms, 0);
    parts.push([name, at - previous - splitMs]);
    for (const [key, ms] of splits) parts.push([key.slice(name.length + 1), ms]);
    previous = at;
  }
  parts.push(['exit', performance.now() - previous]);
  return `profile (ms): ${parts.map(([name, ms]) => `${name} ${Math.round(ms)}`).join(' | ')} | total ${Math.round(performance.now())}`;
}

if (enabled) process.on('exit', () => process.stderr.write(`${profileLine()}\n`));
