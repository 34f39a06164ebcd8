// The layers as a net runs them, some runs of them fused into one step:
// - Pooling → Relu: relu of the window's max is the max clipped at 0, so the pooling kernel
//   writes relu(maxpool(x)) in the same pass, and its backward passes dout only where that
//   output is > 0 (Relu's mask), then to the window's maximum. One pass over the pooled
//   values instead of three; the same numbers.
// - Convolution → Pooling (→ Relu): one kernel call, convPoolForward, that may pool the
//   convolution's output as it is made, never storing it (the wasm backend does for 2×2
//   windows after a Winograd convolution or a one-channel 3×3 one); and backward in one,
//   convPoolBackward (the wasm backend takes a 3×3 layer's ∂L/∂W from the pooling's gradient,
//   which reaches one cell of each window, and makes ∂L/∂out only for ∂L/∂x, a block of
//   images at a time). Sums may round differently from the separate calls' (the same terms
//   in another order); the portable backend's are the same bits.
// The layers themselves stay as they are: export and the model file see Convolution,
// Pooling, Relu; calling a layer's own forward never fuses.

import { Convolution } from '../layers/convolution.js';
import type { Layer, Param } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import type { Tensor } from '../tensor/tensor.js';

/** A Pooling and the Relu after it, as one step. */
class PoolRelu implements Layer {
  readonly name: string;

  constructor(private readonly pool: Pooling) {
    this.name = `${pool.name}+Relu`;
  }

  forward(x: Tensor): Tensor {
    return this.pool.forwardRelu(x);
  }

  backward(dout: Tensor): Tensor {
    return this.pool.backward(dout);
  }

  params(): Param[] {
    return [];
  }
}

/** A Convolution, the Pooling after it, and the Relu after that if `relu`, as one step. */
class ConvPool implements Layer {
  readonly name: string;

  constructor(
    private readonly conv: Convolution,
    private readonly pool: Pooling,
    private readonly relu: boolean,
  ) {
    this.name = `${conv.name}+${pool.name}${relu ? '+Relu' : ''}`;
  }

  forward(x: Tensor): Tensor {
    return this.conv.forwardPooled(x, this.pool, this.relu);
  }

  backward(dout: Tensor, needInputGradient = true): Tensor | undefined {
    return this.conv.backwardPooled(dout, this.pool, needInputGradient);
  }

  params(): Param[] {
    return this.conv.params();
  }
}

/** `layers` with each Convolution → Pooling (→ Relu) run and each other Pooling → Relu pair as one step. */
export function fuseSteps(layers: readonly Layer[]): Layer[] {
  const steps: Layer[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const next = layers[i + 1];
    if (layer instanceof Convolution && next instanceof Pooling) {
      const relu = layers[i + 2] instanceof Relu;
      steps.push(new ConvPool(layer, next, relu));
      i += relu ? 2 : 1;
    } else if (layer instanceof Pooling && next instanceof Relu) {
      steps.push(new PoolRelu(layer));
      i++;
    } else steps.push(layer);
  }
  return steps;
}

/** The steps for `layers`, built again only when the list changes (layers is a public array). */
export class StepCache {
  private source: Layer[] = [];
  private steps: Layer[] = [];

  for(layers: readonly Layer[]): readonly Layer[] {
    if (layers.length !== this.source.length || layers.some((layer, i) => layer !== this.source[i])) {
      this.source = [...layers];
      this.steps = fuseSteps(layers);
    }
    return this.steps;
  }
}
