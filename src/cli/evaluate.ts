// scratchnet evaluate MODEL: how good a trained model is on the test set: accuracy, per-class
// precision/recall/F1, the confusion matrix (printed and as a heat map), and a grid of the
// test digits it gets wrong with the most confidence.

import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write-node.js';
import { sizeOf } from '../tensor/tensor.js';
import { evaluate, type EvaluationReport } from '../train/metrics.js';
import { withBackendStarting } from './backend-start.js';
import { loadData } from './load-data.js';
import { createStatus, type Status } from './progress.js';
import { loadModelArgument } from './model-input.js';
import { addBackendOptions, addDataOptions, nonNegativeInt, type BackendChoice, type DataOptions } from './options.js';

export const CONFUSION_PNG = 'confusion.png';
export const MISTAKES_PNG = 'mistakes.png';

interface EvaluateCliOptions extends DataOptions, BackendChoice {
  json?: boolean;
  out?: string;
  mistakes: number;
}

export function evaluateCommand(): Command {
  const command = new Command('evaluate')
    .description(`measure a trained model on the test set: accuracy, per-class precision/recall/F1, confusion matrix; writes ${CONFUSION_PNG} and ${MISTAKES_PNG}`)
    .argument('<model>', 'model file written by train (model.safetensors)')
    .option('--json', 'print the report as JSON')
    .option('--out <dir>', 'folder for the PNGs (default: the model\'s folder)')
    .option('--mistakes <n>', 'how many confidently wrong test digits to show (0 = no grid)', nonNegativeInt, 24);
  addDataOptions(command);
  addBackendOptions(command);
  return command.action(async (modelPath: string, options: EvaluateCliOptions) => {
    // NOTE: terminal writes are synchronous: each note shows while the step it names runs.
    const status = createStatus();
    try {
      await evaluateModel(modelPath, options, status);
    } finally {
      status.clear();
    }
  });
}

async function evaluateModel(modelPath: string, options: EvaluateCliOptions, status: Status): Promise<void> {
  status.show('evaluate: loading the model and the data …');
  const { loaded: { model, data } } = await withBackendStarting(options, async () => {
    const model = loadModelArgument(modelPath);
    return { model, data: await loadData(options, { keepShape: model.spec.inputShape.length === 3 }) };
  });
  const inputShape = model.spec.inputShape;
  const test = data.test;
  const perImage = test.images.cols;
  if (sizeOf(inputShape) !== perImage) {
    throw new InputError(`${modelPath}: the model reads input [${inputShape.join(', ')}], the test images of ${data.source} have ${perImage} values each`);
  }
  const images = test.images.reshape([test.images.rows, ...inputShape]);
  status.show(`evaluate: ${test.images.rows} test images …`);
  const report = evaluate(model.net, { images, labels: test.labels }, { mistakes: options.mistakes });
  const classes = report.perClass.length;
  if (data.classes > classes) throw new InputError(`${data.source}: labels go up to ${data.classes - 1} but the model has ${classes} classes`);

  const out = resolve(options.out ?? dirname(modelPath));
  const names = Array.from({ length: classes }, (_, c) => String(c));
  // Both pictures are rendered before either file is written.
  status.show(`evaluate: drawing ${CONFUSION_PNG}${options.mistakes > 0 ? ` and ${MISTAKES_PNG}` : ''} …`);
  const { confusionMatrixChart, digitGridPng, renderPng } = await import('../report/index.js');
  const confusionPng = await renderPng(confusionMatrixChart(report.confusion, names, { title: `confusion matrix: ${basename(modelPath)}` }), { scale: 2 });
  const digits = report.mostConfidentlyWrong.map((m) => ({
    pixels: test.images.data.subarray(m.index * perImage, (m.index + 1) * perImage),
    caption: `test #${m.index}: true ${m.label}\npredicted ${m.predicted} (p ${m.confidence.toFixed(2)})`,
  }));
  const mistakesPng = digits.length > 0 ? await digitGridPng(digits, 8, { title: 'most confidently wrong test digits' }) : undefined;
  try {
    mkdirSync(out, { recursive: true });
  } catch (error) {
    throw new InputError(`--out ${out}: cannot create the folder (${(error as Error).message})`);
  }
  const confusionPath = join(out, CONFUSION_PNG);
  const mistakesPath = mistakesPng ? join(out, MISTAKES_PNG) : undefined;
  writeFileAtomic(confusionPath, confusionPng);
  if (mistakesPng) writeFileAtomic(mistakesPath!, mistakesPng);
  status.clear();

  if (options.json) {
    console.log(JSON.stringify({ model: modelPath, data: data.source, ...report, files: { confusion: confusionPath, mistakes: mistakesPath ?? null } }, null, 2));
    return;
  }
  console.log(reportText(report, modelPath, data.source));
  console.log(`wrote ${confusionPath}${mistakesPath ? `, ${mistakesPath}` : ''}`);
}

/** The report as the terminal shows it. */
export function reportText(report: EvaluationReport, model: string, source: string): string {
  const lines = [`${model} on ${report.count} test images (${source})`, `accuracy ${report.accuracy.toFixed(4)}`, ''];
  lines.push('class  precision  recall      F1  support');
  for (const m of report.perClass) {
    lines.push(`${String(m.class).padStart(5)}  ${m.precision.toFixed(4).padStart(9)}  ${m.recall.toFixed(4).padStart(6)}  ${m.f1.toFixed(4)}  ${String(m.support).padStart(7)}`);
  }
  const { precision, recall, f1 } = report.macro;
  lines.push(`macro  ${precision.toFixed(4).padStart(9)}  ${recall.toFixed(4).padStart(6)}  ${f1.toFixed(4)}  ${String(report.count).padStart(7)}`, '');
  const width = Math.max(4, ...report.confusion.flat().map((n) => String(n).length + 1));
  lines.push('confusion matrix (rows: true class, columns: predicted)');
  lines.push(`     ${report.confusion.map((_, c) => String(c).padStart(width)).join('')}`);
  report.confusion.forEach((row, t) => lines.push(`${String(t).padStart(4)} ${row.map((n) => String(n).padStart(width)).join('')}`));
  return lines.join('\n');
}
