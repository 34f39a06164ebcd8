// ONNX export, apart from the main entry: it needs protobufjs (CommonJS), which a bundler
// packs for a browser but a page importing dist/src/index.js as an ES module could not resolve.

export { exportOnnx, ONNX_OPSET, type OnnxExportOptions } from './io/onnx.js';
