// The chapter 6–7 options of `train` and the `compare` command, run as a user would.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPngSize } from './helpers/png-info.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { tempFolder, writeSyntheticMnist } from './helpers/mnist-fixture.js';

function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.notEqual(result.code, 0, 'exit code');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
}

describe('CLI: toolbox options refuse what does not fit, in one line, leaving no outputs', () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 30, test: 10, size: 8 });
  const specs = tempFolder();
  writeFileSync(join(specs, 'broken.json'), '{"kind": "custom", "inputShape": [64], ');
  writeFileSync(join(specs, 'unknown-layer.json'), JSON.stringify({ kind: 'custom', inputShape: [64], layers: [{ type: 'lstm' }] }));
  writeFileSync(join(specs, 'wrong-input.json'), JSON.stringify({ kind: 'custom', inputShape: [784], layers: [{ type: 'affine', units: 3 }] }));
  writeFileSync(join(specs, 'big-filter.json'), JSON.stringify({ kind: 'custom', inputShape: [1, 8, 8], layers: [{ type: 'conv', filters: 2, size: 9 }] }));
  writeFileSync(join(specs, 'wrong-output.json'), JSON.stringify({ kind: 'custom', inputShape: [1, 8, 8], layers: [{ type: 'affine', units: 7 }] }));
  const cases: [string, string[], RegExp][] = [
    ['an unknown model', ['train', '--model', 'resnet'], /--model resnet: not a model kind \(two-layer, mlp, cnn, simple-cnn\) nor a \.json spec file/],
    ['a missing spec file', ['train', '--model', join(specs, 'nope.json')], /nope\.json: file not found$/],
    ['a spec that is not JSON', ['train', '--model', join(specs, 'broken.json')], /broken\.json: not valid JSON/],
    ['a spec with an unknown layer', ['train', '--model', join(specs, 'unknown-layer.json')], /unknown-layer\.json: layer 0 has unknown type "lstm"/],
    ['a spec whose input does not fit the data', ['train', '--model', join(specs, 'wrong-input.json')], /wrong-input\.json: inputShape \[784\] does not fit the data's 8×8 images/],
    ['a spec whose outputs do not fit the classes', ['train', '--model', join(specs, 'wrong-output.json'), '--epochs', '1'], /the net has 7 outputs but the data has 3 classes/],
    ['a convolution too big for the images', ['train', '--model', join(specs, 'big-filter.json')], /layer 0 \(conv\): a 9×9 window with stride 1 and pad 0 does not fit a 8×8 input/],
    ['dropout on the two-layer net', ['train', '--dropout', '0.5'], /--dropout: does not apply to --model two-layer/],
    ['batch norm on a spec file', ['train', '--model', join(specs, 'wrong-input.json'), '--batch-norm'], /--batch-norm: does not apply to --model .*wrong-input\.json/],
    ['--iters with --epochs', ['train', '--model', 'mlp', '--iters', '5', '--epochs', '2'], /--epochs: give either --iters or --epochs, not both/],
    ['--eval-every in an epochs run', ['train', '--model', 'mlp', '--eval-every', '3'], /--eval-every: applies to --iters runs/],
    ['several hidden sizes for the cnn', ['train', '--model', 'cnn', '--hidden', '10,10'], /--hidden: --model cnn has one hidden layer/],
    ['a malformed hidden list', ['train', '--model', 'mlp', '--hidden', '100,x'], /'--hidden <sizes>' argument '100,x' is invalid\. must be whole numbers/],
    ['an unknown optimizer', ['train', '--optimizer', 'lbfgs'], /'--optimizer <name>' argument 'lbfgs' is invalid/],
    ['an option the optimizer does not have', ['train', '--model', 'mlp', '--momentum', '0.5'], /--momentum: adam has no such parameter/],
    ['a momentum of 1', ['train', '--optimizer', 'momentum', '--momentum', '1'], /'--momentum <x>' argument '1' is invalid/],
    ['a dropout ratio of 1', ['train', '--model', 'mlp', '--dropout', '1'], /'--dropout <ratio>' argument '1' is invalid/],
    ['a negative weight decay', ['train', '--weight-decay', '-1'], /'--weight-decay <λ>' argument '-1' is invalid/],
    ['an unknown init', ['train', '--init', 'glorot'], /'--init <how>' argument 'glorot' is invalid\. must be std, xavier, he/],
    ['--init-std with --init he', ['train', '--init', 'he', '--init-std', '0.1'], /--init-std: conflicts with --init he/],
    ['an unknown optimizer to compare', ['compare', 'optimizers', '--optimizers', 'sgd,lbfgs'], /--optimizers: unknown optimizer "lbfgs"/],
    ['an unknown init to compare', ['compare', 'init', '--inits', '0.01,glorot'], /--inits: "glorot" is not xavier, he or a standard deviation > 0/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`refuses ${what}`, async () => {
      const out = join(tempFolder(), 'run');
      const dataArgs = args.includes('--data') ? [] : ['--data', data];
      assertOneLineError(await runCli([...args, ...dataArgs, '--out', out, '--backend', 'js']), pattern);
      assert.ok(!existsSync(out), 'no output folder');
    });
  }
});

describe('CLI: toolbox runs end to end', () => {
  const data = writeSyntheticMnist(tempFolder(), { train: 40, test: 12, size: 8, classes: 3 });
  const common = ['--data', data, '--backend', 'js', '--seed', '4'];
  const readMetrics = (out: string) => JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));

  it('train --model cnn: epochs of shuffled batches, an evaluation per epoch, the last one final, charts', async () => {
    const out = join(tempFolder(), 'run');
    const result = await runCli(['train', '--model', 'cnn', '--epochs', '2', '--batch', '10', '--hidden', '6', ...common, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const metrics = readMetrics(out);
    assert.equal(metrics.config.model, 'cnn');
    assert.deepEqual(metrics.config.spec.inputShape, [1, 8, 8]);
    assert.equal(metrics.config.optimizer, 'adam');
    assert.equal(metrics.config.sampling, 'shuffle');
    assert.deepEqual(metrics.evaluations.map((e: { epoch: number; iteration: number }) => [e.epoch, e.iteration]), [[1, 4], [2, 8]]);
    const last = metrics.evaluations.at(-1);
    assert.deepEqual(metrics.final, { trainAccuracy: last.trainAccuracy, testAccuracy: last.testAccuracy });
    assert.equal(metrics.loss.length, 8);
    for (const name of ['accuracy.png', 'loss.png']) assert.ok(readPngSize(readFileSync(join(out, name))).width > 400);
    assert.match(result.stdout, /cnn: 1×8×8 → conv 16×3² pad 1 → maxpool 2 → relu → conv 32×3² pad 1 → maxpool 2 → relu → affine 6 → relu → dropout 0\.5 → affine 3; adam lr 0\.002 ×0\.7\/epoch/);
    assert.equal(metrics.config.dropout, 0.5);
    assert.match(result.stdout, /epoch +2 \| iter +8 \| train acc/);
  });

  it('train --model mlp with every regularizer and another optimizer records them in config', async () => {
    const out = join(tempFolder(), 'run');
    const args = ['--model', 'mlp', '--hidden', '8,8', '--batch-norm', '--dropout', '0.2', '--optimizer', 'momentum', '--momentum', '0.8', '--lr', '0.05', '--weight-decay', '0.01', '--init', 'xavier', '--epochs', '1', '--batch', '10'];
    const result = await runCli(['train', ...args, ...common, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const { config } = readMetrics(out);
    assert.deepEqual(
      [config.hidden, config.batchNorm, config.dropout, config.optimizer, config.momentum, config.lr, config.weightDecay, config.init, config.epochs],
      [[8, 8], true, 0.2, 'momentum', 0.8, 0.05, 0.01, 'xavier', 1],
    );
    assert.deepEqual(config.spec.layers.map((l: { type: string }) => l.type), ['affine', 'batchnorm', 'relu', 'dropout', 'affine', 'batchnorm', 'relu', 'dropout', 'affine']);
  });

  it('train --model FILE.json builds the spec; the same seed gives the same numbers (dropout included)', async () => {
    const spec = join(tempFolder(), 'net.json');
    writeFileSync(spec, JSON.stringify({ kind: 'custom', inputShape: [1, 8, 8], layers: [
      { type: 'conv', filters: 3, size: 3, stride: 2, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'maxpool', size: 2 },
      { type: 'affine', units: 5 }, { type: 'relu' }, { type: 'dropout', ratio: 0.3 }, { type: 'affine', units: 3 }] }));
    const run = async () => {
      const out = join(tempFolder(), 'run');
      const result = await runCli(['train', '--model', spec, '--epochs', '2', '--batch', '8', ...common, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      return readMetrics(out);
    };
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.config.model, spec);
    assert.deepEqual(a.loss, b.loss);
    assert.deepEqual(a.final, b.final);
  });

  it('compare optimizers: one metrics.json per optimizer and one loss chart', async () => {
    const out = join(tempFolder(), 'cmp');
    const result = await runCli(['compare', 'optimizers', '--optimizers', 'sgd,adam', '--iters', '12', '--batch', '8', '--hidden', '6,6', ...common, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['adam', 'loss.png', 'sgd']);
    for (const name of ['sgd', 'adam']) {
      const metrics = readMetrics(join(out, name));
      assert.equal(metrics.config.optimizer, name);
      assert.equal(metrics.loss.length, 12);
    }
    // Same seed: both runs start from the same weights, so their first losses agree.
    assert.equal(readMetrics(join(out, 'sgd')).loss[0], readMetrics(join(out, 'adam')).loss[0]);
    assert.ok(readPngSize(readFileSync(join(out, 'loss.png'))).width > 400);
    assert.match(result.stdout, /^sgd +\| final loss [\d.]+ \(mean of last 100\) \| train acc/m);
  });

  it('compare init: std 0.01, Xavier and He', async () => {
    const out = join(tempFolder(), 'cmp');
    const result = await runCli(['compare', 'init', '--iters', '6', '--batch', '8', '--hidden', '6', ...common, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['he', 'loss.png', 'std-0.01', 'xavier']);
    assert.deepEqual(['std-0.01', 'xavier', 'he'].map((name) => readMetrics(join(out, name)).config.init), [0.01, 'xavier', 'he']);
  });
});
