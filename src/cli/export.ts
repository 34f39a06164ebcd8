// scratchnet export MODEL --format onnx [--out FILE]: the trained net for other engines.

import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write-node.js';
import { loadModelArgument } from './model-input.js';

interface ExportCliOptions {
  format: 'onnx';
  out?: string;
  probabilities: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write a trained model in another format: ONNX (for onnxruntime and other engines)')
    .argument('<model>', 'model file written by train (model.safetensors)')
    .addOption(new Option('--format <name>', 'output format').choices(['onnx']).default('onnx'))
    .option('--out <file>', 'output file (default: beside the model, with .onnx)')
    .option('--no-probabilities', 'only the "logits" output, without the Softmax "probabilities" output')
    .action(async (modelPath: string, options: ExportCliOptions) => {
      const { exportOnnx } = await import('../io/onnx.js');
      const model = loadModelArgument(modelPath);
      const out = options.out ?? `${modelPath.replace(/\.safetensors$/, '')}.onnx`;
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(model.net, { probabilities: options.probabilities });
      } catch (error) {
        throw new InputError(`${modelPath}: ${(error as Error).message}`);
      }
      writeFileAtomic(out, bytes);
      const outputs = options.probabilities ? '"logits" (scores before softmax) and "probabilities" (softmax)' : '"logits" (scores before softmax)';
      console.log(`wrote ${out} (${bytes.length} bytes, ONNX opset 13): input "input" [N, ${model.spec.inputShape.join(', ')}] → ${outputs}`);
    });
}
