// Training progress: a live bar on a terminal (iteration, loss, iterations/s, ETA);
// elsewhere nothing but the lines the command prints.

import cliProgress from 'cli-progress';

export interface Progress {
  update(iteration: number, loss: number): void;
  /** Prints a line above the bar (or plainly when there is no bar). */
  log(line: string): void;
  stop(): void;
}

export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return { update() {}, log: (line) => console.log(line), stop() {} };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {value}/{total} | loss {loss} | {speed} it/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 200,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { loss: '-', speed: '-' });
  const start = performance.now();
  let lastDraw = 0;
  return {
    update(iteration, loss) {
      const now = performance.now();
      if (now - lastDraw < 100 && iteration + 1 < total) return;
      lastDraw = now;
      const speed = ((iteration + 1) / ((now - start) / 1000)).toFixed(0);
      bar.update(iteration + 1, { loss: loss.toFixed(4), speed });
    },
    log: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}
