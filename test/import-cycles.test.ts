// No import circles in src/: the layers stand on each other one way (tensor → layers → nets →
// train → io → cli), so any module can be read, tested and loaded on its own. Type-only
// imports count too: a circle of types is a circle of ideas. Reads the TypeScript sources.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/: the sources are two folders up.
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function modules(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? modules(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}

/** The project modules a source file imports or re-exports, types included (not dynamic import()). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm)];
  return found.map((match) => resolve(dirname(file), (match[1] ?? match[2])!).replace(/\.js$/, '.ts'));
}

/** Every cycle found by a depth-first walk, each as the list of modules around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

test('findCycles finds a circle and only circles', () => {
  assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  assert.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), [['a', 'b', 'c', 'a']]);
});

test('src/ has no import circles', () => {
  const graph = new Map(modules(SRC).map((file) => [file, staticImports(file)]));
  const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' → '));
  assert.deepEqual(cycles, []);
});
