// scratchnet predict MODEL IMAGE...: the model's three most probable digits for each image,
// after making the image MNIST-like (see src/data/image-input.ts).

import { Command } from 'commander';
import { basename } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { predict, type ClassProbability } from '../train/predict.js';
import { loadModelArgument, squareImageSide } from './model-input.js';
import { positiveInt } from './options.js';

interface PredictCliOptions {
  json?: boolean;
  top: number;
}

export interface ImagePrediction {
  readonly file: string;
  readonly top: ClassProbability[];
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('classify images of digits (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG): top 3 classes with probabilities')
    .argument('<model>', 'model file written by train (model.safetensors)')
    .argument('<images...>', 'image files; each is made MNIST-like: grey, inverted if the background is light, cropped, scaled into 20×20, centred by mass in 28×28')
    .option('--top <k>', 'how many classes to list per image', positiveInt, 3)
    .option('--json', 'print [{"file", "top": [{"class", "probability"}]}] instead of text')
    .action(async (modelPath: string, images: string[], options: PredictCliOptions) => {
      const predictions = await predictFiles(modelPath, images, options.top);
      if (options.json) {
        console.log(JSON.stringify(predictions, null, 2));
        return;
      }
      const width = Math.max(...predictions.map((p) => basename(p.file).length));
      for (const { file, top } of predictions) {
        const ranked = top.map(({ class: c, probability }) => `${c} (${(100 * probability).toFixed(1)}%)`).join('   ');
        console.log(`${basename(file).padEnd(width)}  →  ${ranked}`);
      }
    });
}

/** Reads the model and every image first (errors name the file), then predicts them in one batch. */
export async function predictFiles(modelPath: string, files: string[], k = 3): Promise<ImagePrediction[]> {
  const model = loadModelArgument(modelPath);
  const side = squareImageSide(model, modelPath);
  const { readMnistLikeImage } = await import('../data/image-input.js');
  const images = await Promise.all(files.map((file) => readMnistLikeImage(file, { size: side })));
  const x = Tensor.zeros([files.length, ...model.spec.inputShape], model.net.params()[0]?.value.dtype ?? 'float32');
  images.forEach((image, i) => x.data.set(image.pixels, i * side * side));
  return predict(model.net, x, k).map((top, i) => ({ file: files[i]!, top }));
}
