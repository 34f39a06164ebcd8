#!/usr/bin/env python3
"""A benchmark job in PyTorch: the framework a user would pick instead. Builds the job's
model spec (affine, relu, conv, maxpool, dropout, batchnorm) as an nn.Sequential, trains it
with the job's optimizer, batches and evaluation schedule, and writes one JSON outcome (the
same fields as the NumPy program's) to --out. Progress goes to stderr.

  python3 torch_train.py --job JOB.json --data MNIST_FOLDER --out RESULT.json --threads 2

Weights ~ N(0, std²) with the job's std ('he' √(2/fan-in), 'xavier' √(1/fan-in), or a
number), biases 0; Adam with ε = 1e-7 (the book's), lr × lrDecay after every 600 iterations.
Images float32 in 0..1, N×C×H×W (the spec's input shape) for a conv net, N×784 otherwise.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_two_layer import load_mnist  # noqa: E402  (the IDX reader, written once)

EPOCH_ITERATIONS = 600


def init_std(init, fan_in):
    if init == 'he':
        return math.sqrt(2 / fan_in)
    if init == 'xavier':
        return math.sqrt(1 / fan_in)
    return float(init)


def build(spec, init):
    """nn.Sequential for a model spec (src/nets/spec.ts), with the job's initialization."""
    shape = list(spec['inputShape'])
    layers = []
    for layer in spec['layers']:
        kind = layer['type']
        if kind == 'affine':
            if len(shape) > 1:
                layers.append(nn.Flatten())
                shape = [int(np.prod(shape))]
            module = nn.Linear(shape[0], layer['units'])
            shape = [layer['units']]
        elif kind == 'conv':
            stride, pad = layer.get('stride', 1), layer.get('pad', 0)
            module = nn.Conv2d(shape[0], layer['filters'], layer['size'], stride=stride, padding=pad)
            out = lambda n: (n + 2 * pad - layer['size']) // stride + 1  # noqa: E731
            shape = [layer['filters'], out(shape[1]), out(shape[2])]
        elif kind == 'relu':
            layers.append(nn.ReLU())
            continue
        elif kind == 'maxpool':
            size, stride, pad = layer['size'], layer.get('stride', layer['size']), layer.get('pad', 0)
            layers.append(nn.MaxPool2d(size, stride=stride, padding=pad))
            out = lambda n: (n + 2 * pad - size) // stride + 1  # noqa: E731
            shape = [shape[0], out(shape[1]), out(shape[2])]
            continue
        elif kind == 'dropout':
            layers.append(nn.Dropout(layer['ratio']))
            continue
        elif kind == 'batchnorm':
            layers.append(nn.BatchNorm2d(shape[0], eps=10e-7) if len(shape) == 3 else nn.BatchNorm1d(shape[0], eps=10e-7))
            continue
        else:
            raise ValueError(f'torch_train: unknown layer type {kind}')
        fan_in = module.weight[0].numel()
        with torch.no_grad():
            module.weight.normal_(0, init_std(init, fan_in))
            module.bias.zero_()
        layers.append(module)
    return nn.Sequential(*layers)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def train(job, data_folder, seed, threads):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    (x_train, t_train), (x_test, t_test) = load_mnist(data_folder)
    if job['keepImageShape']:
        x_train = x_train.reshape(-1, *job['spec']['inputShape'])
        x_test = x_test.reshape(-1, *job['spec']['inputShape'])
    x_train, x_test = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(np.ascontiguousarray(x_test))
    t_train, t_test = torch.from_numpy(t_train), torch.from_numpy(t_test)
    net = build(job['spec'], job['init'])
    if job['optimizer'] == 'adam':
        optimizer = torch.optim.Adam(net.parameters(), lr=job['lr'], betas=(0.9, 0.999), eps=1e-7)
    else:
        optimizer = torch.optim.SGD(net.parameters(), lr=job['lr'])
    loss_fn = nn.CrossEntropyLoss()
    iterations, batch, eval_every = job['iterations'], job['batchSize'], job['evalEvery']
    samples = job.get('evalSamples')
    train_size = x_train.shape[0]
    eval_seconds = 0.0
    evaluations = []
    losses = []

    # Conv nets classify 1000 images at a time (as the TF.js runner does): the activations of
    # 10 000 would take GBs.
    chunk = 1000 if job['keepImageShape'] else 10000

    def accuracy(x, t):
        correct = 0
        for start in range(0, x.shape[0], chunk):
            correct += int((net(x[start:start + chunk]).argmax(1) == t[start:start + chunk]).sum())
        return correct / x.shape[0]

    def evaluate(limit):
        nonlocal eval_seconds
        t0 = time.perf_counter()
        net.eval()
        with torch.no_grad():
            n_train = min(train_size, limit or train_size)
            n_test = min(x_test.shape[0], limit or x_test.shape[0])
            result = accuracy(x_train[:n_train], t_train[:n_train]), accuracy(x_test[:n_test], t_test[:n_test])
        net.train()
        eval_seconds += time.perf_counter() - t0
        return result

    order = None
    start = time.perf_counter()
    for i in range(iterations):
        if eval_every > 0 and i % eval_every == 0:
            train_acc, test_acc = evaluate(samples)
            evaluations.append({'iteration': i, 'trainAccuracy': train_acc, 'testAccuracy': test_acc, 'elapsed': time.perf_counter() - start})
            print(f'torch: iteration {i}: train {train_acc:.4f} test {test_acc:.4f}', file=sys.stderr, flush=True)
        if i > 0 and i % EPOCH_ITERATIONS == 0 and job.get('lrDecay'):
            for group in optimizer.param_groups:
                group['lr'] *= job['lrDecay']
        if job['sampling'] == 'shuffle':
            position = (i * batch) % train_size
            if position < batch or order is None:
                order = torch.randperm(train_size)
            index = order[position:position + batch]
        else:
            index = torch.randint(0, train_size, (batch,))
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x_train[index]), t_train[index])
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
    final_train, final_test = evaluate(None)
    wall = time.perf_counter() - start
    scheduled = len(evaluations)
    limit = samples or max(train_size, x_test.shape[0])
    return {
        'iterations': iterations,
        'evaluations': scheduled + 1,
        'wallSeconds': wall,
        'trainSeconds': wall - eval_seconds,
        'evalSeconds': eval_seconds,
        'evaluatedImages': scheduled * (min(train_size, limit) + min(x_test.shape[0], limit)) + train_size + x_test.shape[0],
        'finalTrainAccuracy': final_train,
        'finalTestAccuracy': final_test,
        'firstLoss': losses[0] if losses else None,
        'lastLoss': losses[-1] if losses else None,
        'evaluationLog': evaluations,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--job', required=True, help='the job as JSON (bench/job.ts TrainJob), or @FILE')
    parser.add_argument('--data', required=True, help='folder with the MNIST IDX files')
    parser.add_argument('--out', required=True, help='JSON result file')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2, help='torch.set_num_threads')
    args = parser.parse_args()
    text = open(args.job[1:]).read() if args.job.startswith('@') else args.job
    result = train(json.loads(text), args.data, args.seed, args.threads)
    result['peakRssMB'] = peak_rss_mb()
    result['versions'] = {'python': sys.version.split()[0], 'torch': torch.__version__, 'numpy': np.__version__}
    tmp = args.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(result, f)
    os.replace(tmp, args.out)


if __name__ == '__main__':
    main()
