// scratchnet's library API. Everything here runs in Node and in the browser except the
// file loaders re-exported from './node.js'.

export { Tensor, sizeOf, type DType, type Data } from './tensor/tensor.js';
export { Rng } from './tensor/rng.js';
export { kernels, setKernels, type Kernels, type GemmOptions, type LabelIndices } from './tensor/kernels/kernels.js';
export { createJsKernels } from './tensor/kernels/js.js';
export { useBackend, BACKENDS, type BackendName } from './tensor/kernels/select.js';

export type { Layer, Param } from './layers/layer.js';
export { Affine } from './layers/affine.js';
export { Relu } from './layers/relu.js';
export { Sigmoid } from './layers/sigmoid.js';
export { SoftmaxWithLoss, type Labels } from './layers/softmax-with-loss.js';

export { LayerNet } from './nets/layer-net.js';
export { TwoLayerNet, type TwoLayerNetOptions } from './nets/two-layer-net.js';
export { buildNet, registerLayer, twoLayerSpec, SpecNet, type ModelSpec, type LayerSpec, type Init } from './nets/spec.js';

export type { Optimizer } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';

export { train, BatchSampler, DivergenceError, type TrainOptions, type TrainResult, type Evaluation, type TrainEvents } from './train/trainer.js';
export { gradientCheck, type GradcheckRow } from './train/gradcheck.js';

export { parseIdx, writeIdx, type Idx } from './data/idx.js';
export { toDataset, toImageData, oneHot, type Dataset, type ImageData } from './data/dataset.js';
export { InputError } from './errors.js';
