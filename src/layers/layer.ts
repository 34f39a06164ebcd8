// What every layer is: forward computes the output and keeps what backward needs;
// backward takes ∂L/∂out and returns ∂L/∂in, filling the gradients of its parameters.

import { Tensor } from '../tensor/tensor.js';

/** A trainable tensor and its gradient, side by side. */
export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}

export interface Layer {
  readonly name: string;
  /** `training` switches layers such as Dropout and BatchNorm between their two modes. */
  forward(x: Tensor, training: boolean): Tensor;
  /**
   * Returns ∂L/∂x. With `needInputGradient` false (the first layer, whose input is data)
   * a layer may skip that product and return undefined; parameter gradients are filled anyway.
   */
  backward(dout: Tensor, needInputGradient?: boolean): Tensor | undefined;
  params(): Param[];
  /** Model state that gradients do not train (BatchNorm's running mean and variance). */
  buffers?(): NamedTensor[];
}

/** A tensor a layer keeps besides its parameters, under the layer's own name for it. */
export interface NamedTensor {
  readonly name: string;
  readonly value: Tensor;
}

export function param(name: string, value: Tensor): Param {
  return { name, value, grad: Tensor.zeros(value.shape, value.dtype) };
}
