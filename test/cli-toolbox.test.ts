// The chapter 6–7 options of `train` and the `compare` command, run as a user would.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
