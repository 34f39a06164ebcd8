// The two charts of a training run: accuracy per epoch (the book's figure) and loss per iteration.

export async function writeRunCharts(
  _out: string,
  _evaluations: { epoch: number; trainAccuracy: number; testAccuracy: number }[],
  _loss: Float32Array,
): Promise<void> {
  throw new Error('charts not merged yet');
}
