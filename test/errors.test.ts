// Which errors are the user's (InputError: one line, exit 1) and which the machine's
// (EnvironmentError: one line, exit 74); everything else is a bug (internal error, exit 70).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnvironmentError, InputError, writeError } from '../src/errors.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';

const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('error kinds', () => {
  it('a full disk is the machine’s, not the user’s input', () => {
    for (const code of ['ENOSPC', 'EDQUOT']) {
      const error = writeError('runs/x/model.safetensors', errno(code));
      assert.ok(error instanceof EnvironmentError, code);
      assert.equal(error.message, `runs/x/model.safetensors: cannot write, no space left on the device (${code})`);
    }
  });

  it('a path that cannot be written is the user’s', () => {
    for (const code of ['EACCES', 'ENOENT', 'EROFS']) {
      const error = writeError('/nope/metrics.json', errno(code));
      assert.ok(error instanceof InputError, code);
      assert.match(error.message, /^\/nope\/metrics\.json: cannot write \(/);
    }
  });

  it('TwoLayerNet with bad sizes is a user mistake', () => {
    assert.throws(() => new TwoLayerNet({ inputSize: 784, hiddenSize: 0, outputSize: 10 }), (error: Error) => error instanceof InputError && /hiddenSize must be a positive integer, got 0/.test(error.message));
    assert.throws(() => new TwoLayerNet({ inputSize: 7.5, hiddenSize: 50, outputSize: 10 }), InputError);
  });
});
