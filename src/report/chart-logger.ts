// What Vega and Vega-Lite would print on the console, collected instead: the warnings a chart
// renders with (render.ts), and those the build keeps with a compiled chart (compiled-charts.ts).

import * as vega from 'vega';

export interface CollectingLogger extends vega.LoggerInterface {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * A logger that collects what Vega and Vega-Lite would otherwise print on the console.
 * NOTE: Vega calls some of these methods detached from the object, so they must not use `this`.
 */
export function collectingLogger(): CollectingLogger {
  const errors: string[] = [];
  const warnings: string[] = [];
  let currentLevel = vega.Warn;
  const logger: CollectingLogger = {
    errors,
    warnings,
    level: ((level?: number) => {
      if (level === undefined) return currentLevel;
      currentLevel = level;
      return logger;
    }) as CollectingLogger['level'],
    error: (...args: readonly unknown[]) => {
      errors.push(args.map(describe).join(' '));
      return logger;
    },
    warn: (...args: readonly unknown[]) => {
      warnings.push(args.map(describe).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
