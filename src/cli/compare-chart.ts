// The one chart of a comparison: every run's loss per iteration, smoothed, in one PNG.

export interface ComparisonSeries {
  name: string;
  values: Float32Array;
}

/** Writes `out`/loss.png and returns its path. */
export async function writeComparisonChart(_out: string, _series: ComparisonSeries[], _labels: { title: string; subtitle: string }): Promise<string> {
  throw new Error('charts not merged yet');
}
