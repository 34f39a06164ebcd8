// A small line chart on a canvas: a few series of (x, y) points, linear axes with round
// ticks. Redrawn whole when there is new data; at most four segments per pixel column are
// drawn, so a chart costs about the same at 100 points as at 100 000.

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  /** Thin and translucent (raw data behind its smoothed line). */
  faint?: boolean;
  /** Dots at each point (few points). */
  dots?: boolean;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Points in use (x and y may be longer buffers). */
  length: number;
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  /** Fixed y range, else from the data. */
  yRange?: [number, number];
  /** The x axis extends at least to here (e.g. the run's last iteration). */
  xMax?: number;
  /** Where the legend goes (default top). */
  legend?: 'top' | 'bottom';
}

const MARGIN = { left: 46, right: 22, top: 10, bottom: 34 };

export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], options: ChartOptions): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;

  let xMax = options.xMax ?? 1;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      xMax = Math.max(xMax, s.x[i]!);
      if (!options.yRange && Number.isFinite(s.y[i]!)) {
        yMin = Math.min(yMin, s.y[i]!);
        yMax = Math.max(yMax, s.y[i]!);
      }
    }
  }
  if (options.yRange) [yMin, yMax] = options.yRange;
  if (!(yMax > yMin)) [yMin, yMax] = Number.isFinite(yMin) ? [yMin - 0.5, yMin + 0.5] : [0, 1];
  if (!options.yRange) yMin = Math.min(0, yMin);
  const px = (x: number): number => MARGIN.left + (x / xMax) * plotWidth;
  const py = (y: number): number => MARGIN.top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight;

  context.font = '11px system-ui, sans-serif';
  context.strokeStyle = '#e3e6ec';
  context.fillStyle = '#5d6575';
  context.lineWidth = 1;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const y of ticks(yMin, yMax, 5)) {
    context.beginPath();
    context.moveTo(MARGIN.left, Math.round(py(y)) + 0.5);
    context.lineTo(width - MARGIN.right, Math.round(py(y)) + 0.5);
    context.stroke();
    context.fillText(formatTick(y), MARGIN.left - 6, py(y));
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const x of ticks(0, xMax, 6)) context.fillText(formatTick(x), px(x), height - MARGIN.bottom + 6);
  context.fillText(options.xLabel, MARGIN.left + plotWidth / 2, height - 14);
  context.save();
  context.translate(11, MARGIN.top + plotHeight / 2);
  context.rotate(-Math.PI / 2);
  context.fillText(options.yLabel, 0, -6);
  context.restore();

  context.save();
  context.beginPath();
  context.rect(MARGIN.left, MARGIN.top, plotWidth, plotHeight);
  context.clip();
  for (const s of series) {
    if (s.length === 0) continue;
    context.strokeStyle = s.color;
    context.fillStyle = s.color;
    context.globalAlpha = s.faint ? 0.25 : 1;
    context.lineWidth = s.faint ? 1 : 2;
    context.setLineDash(s.dashed ? [6, 4] : []);
    context.beginPath();
    // Many points per pixel column (a long run's losses): the column's first, lowest, highest
    // and last point keep the line's shape, and the path stays a few thousand segments long.
    let column = -1;
    let low = 0;
    let high = 0;
    const flush = (): void => {
      if (column < 0) return;
      context.lineTo(column, low);
      context.lineTo(column, high);
    };
    for (let i = 0; i < s.length; i++) {
      const x = px(s.x[i]!);
      const y = py(s.y[i]!);
      if (i === 0) {
        context.moveTo(x, y);
        continue;
      }
      const c = Math.round(x);
      if (c !== column) {
        flush();
        column = c;
        low = high = y;
        context.lineTo(x, y);
      } else {
        low = Math.min(low, y);
        high = Math.max(high, y);
      }
    }
    flush();
    context.stroke();
    if (s.dots) for (let i = 0; i < s.length; i++) {
      context.beginPath();
      context.arc(px(s.x[i]!), py(s.y[i]!), 3, 0, 2 * Math.PI);
      context.fill();
    }
  }
  context.restore();
  context.globalAlpha = 1;
  context.setLineDash([]);

  // Legend, top right.
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  const named = series.filter((s) => !s.faint);
  let y = options.legend === 'bottom' ? height - MARGIN.bottom - 10 - 16 * (named.length - 1) : MARGIN.top + 10;
  for (const s of named) {
    context.fillStyle = '#1f2430';
    context.fillText(s.label, width - MARGIN.right - 34, y);
    context.strokeStyle = s.color;
    context.lineWidth = 2;
    context.setLineDash(s.dashed ? [6, 4] : []);
    context.beginPath();
    context.moveTo(width - MARGIN.right - 28, y);
    context.lineTo(width - MARGIN.right - 4, y);
    context.stroke();
    y += 16;
  }
  context.setLineDash([]);
}

/** Round tick values (1, 2 or 5 × 10^k apart) covering [min, max]. */
export function ticks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function formatTick(value: number): string {
  if (Math.abs(value) >= 10000) return `${value / 1000}k`;
  return String(Number(value.toPrecision(4)));
}
