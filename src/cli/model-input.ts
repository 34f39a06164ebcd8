// Shared by the commands that take a trained model: reading it, and fitting images to its input.

import { InputError } from '../errors.js';
import { readModelFile } from '../io/model-files-node.js';
import type { LoadedModel } from '../io/model-file.js';
import { sizeOf } from '../tensor/tensor.js';

export function loadModelArgument(path: string): LoadedModel {
  return readModelFile(path);
}

/** Side of the square grey image a model reads: [784] → 28, [1, 28, 28] → 28. */
export function squareImageSide(model: LoadedModel, path: string): number {
  const shape = model.spec.inputShape;
  const size = sizeOf(shape);
  const side = Math.round(Math.sqrt(size));
  const square = shape.length === 1 ? side * side === size : shape.length === 3 && shape[0] === 1 && shape[1] === shape[2];
  if (!square) throw new InputError(`${path}: the model reads input [${shape.join(', ')}], not one square grey image`);
  return side;
}
