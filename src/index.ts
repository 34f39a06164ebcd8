// scratchnet's library API. Everything here runs in Node and in the browser, imported as
// it is (test/browser.test.ts loads it in Chromium); the file loaders are in './node.js',
// ONNX export in './onnx.js'.

export { Tensor, sizeOf, type DType, type Data } from './tensor/tensor.js';
export { Rng, type RngState } from './tensor/rng.js';
export { kernels, type Kernels, type GemmOptions, type LabelIndices } from './tensor/kernels/kernels.js';
export { createJsKernels } from './tensor/kernels/js.js';
export { useBackend, useKernels, useBestBackend, describeBackend, closeBackends, loadWasmKernels, BACKENDS, type BackendName, type BestBackend } from './tensor/kernels/select.js';

export type { Layer, Param, NamedTensor } from './layers/layer.js';
export { Affine } from './layers/affine.js';
export { Relu } from './layers/relu.js';
export { Sigmoid } from './layers/sigmoid.js';
export { SoftmaxWithLoss, type Labels } from './layers/softmax-with-loss.js';
export { Convolution, type ConvolutionOptions } from './layers/convolution.js';
export { Pooling, type PoolingOptions } from './layers/pooling.js';
export { BatchNorm } from './layers/batch-norm.js';
export { Dropout } from './layers/dropout.js';
export { im2col, col2im, convGeometry, type ConvGeometry } from './tensor/kernels/im2col.js';

export { LayerNet, paramIndexes } from './nets/layer-net.js';
export { TwoLayerNet, type TwoLayerNetOptions } from './nets/two-layer-net.js';
export { MultiLayerNet, multiLayerSpec, type MultiLayerNetOptions, type MultiLayerSpecOptions, type Activation } from './nets/multi-layer-net.js';
export { SimpleConvNet, simpleConvSpec, type SimpleConvNetOptions, type SimpleConvSpecOptions } from './nets/simple-conv-net.js';
export { convNetSpec, type ConvNetSpecOptions, type ConvBlock } from './nets/conv-net.js';
export { buildNet, registerLayer, twoLayerSpec, validateSpec, initStd, SpecNet, type ModelSpec, type LayerSpec, type LayerType, type OnnxLayerContext, type OnnxAttribute, type Init, type BuildOptions } from './nets/spec.js';

export type { Optimizer } from './optim/optimizer.js';
export { SGD } from './optim/sgd.js';
export { Momentum } from './optim/momentum.js';
export { Nesterov } from './optim/nesterov.js';
export { AdaGrad } from './optim/adagrad.js';
export { RMSprop } from './optim/rmsprop.js';
export { Adam } from './optim/adam.js';
export { createOptimizer, OPTIMIZERS, DEFAULT_LR, type OptimizerName, type OptimizerOptions } from './optim/factory.js';

export { train, trainSteps, BatchSampler, DivergenceError, type TrainOptions, type TrainResult, type TrainStep, type Evaluation, type TrainEvents, type ResumePoint, type SamplerState } from './train/trainer.js';
export { checkpointState, restoreCheckpoint, layerRandomStreams } from './train/checkpoint.js';
export { gradientCheck, type GradcheckRow } from './train/gradcheck.js';

export { evaluate, evaluatePredictions, type EvaluationReport, type ClassMetrics, type Mistake, type EvaluateOptions } from './train/metrics.js';
export { predict, predictProbabilities, softmaxRows, topClasses, type ClassProbability } from './train/predict.js';

export { saveModel, loadModel, loadModelFile, netTensors, type ModelInfo, type LoadedModel, type LoadOptions } from './io/model-file.js';
export { encodeSafetensors, decodeSafetensors, type SafetensorsContents } from './io/safetensors.js';
export { encodeTrainingState, decodeTrainingState, type TrainingState, type OptimizerSnapshot } from './io/training-state.js';

export { parseIdx, writeIdx, type Idx } from './data/idx.js';
export { toDataset, toImageData, datasetFrom, pixelDataset, imageCount, sampleShapeOf, oneHot, type Dataset, type ImageData } from './data/dataset.js';
export { gatherImages, imageRows } from './data/image-rows.js';
export { DatasetAccuracy } from './train/dataset-accuracy.js';
export { MAX_PENDING_EVALUATIONS, type Accuracies, type BackgroundEvaluator } from './train/background-evaluator.js';
export { InputError } from './errors.js';
export { mnistLikePixels, cropToInk, scaledSize, resizeArea, centreByMass, type InkCrop, type MnistLikeOptions } from './data/mnist-like.js';
export { resolveRun, MODEL_KINDS, MODEL_DEFAULTS, needsImageShape, type ModelKind, type ModelCliOptions, type ModelChoice, type ResolvedRun } from './train/run-settings.js';
export * as optionValues from './train/option-values.js';
