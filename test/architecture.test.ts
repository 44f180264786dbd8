/**
 * The seams the folder layout promises, checked on the source: rooms import each other without cycles, every SQL
 * statement and store path lives in the store, and nothing outside the bindings' room names a binding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { packageRoot } from '../src/base/home.js';
import { bindings } from '../src/bindings/index.js';

const SRC = join(packageRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path), text: readFileSync(path, 'utf8') }));
/** `src/<room>/...`; the library entry (src/index.ts) is the package's face, not a room. */
const roomOf = (rel: string) => (rel.includes('/') ? rel.split('/')[0]! : null);
/** Code without its comments, so prose may name what code may not. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

test('rooms import each other without a cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = roomOf(f.rel);
    if (!from) continue;
    for (const m of f.text.matchAll(/(?:from|import\(?)\s*'(\.[^']+)'/g)) {
      const to = roomOf(relative(SRC, normalize(join(dirname(f.path), m[1]!))));
      if (to && to !== from) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
    }
  }
  const cycles: string[] = [];
  const visit = (room: string, path: string[]) => {
    for (const next of edges.get(room) ?? []) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else visit(next, [...path, next]);
    }
  };
  for (const room of edges.keys()) visit(room, [room]);
  assert.deepEqual([...new Set(cycles)], []);
  // The ground floor uses nothing of the project.
  assert.deepEqual([...(edges.get('base') ?? [])], []);
});

test('every SQL statement and every store file name is inside src/store', () => {
  const leaks = files
    .filter((f) => roomOf(f.rel) !== 'store')
    .flatMap((f) => [...code(f.text).matchAll(/\.prepare\(|\bSELECT\s|\bINSERT\s+INTO|\bDELETE\s+FROM|'(?:campaign|result|request|environment)\.json'|'events\.jsonl'|'index\.sqlite'/g)].map((m) => `${f.rel}: ${m[0]}`));
  assert.deepEqual(leaks, []);
});

test('outside the bindings room no code names a binding, and only the protocol\'s format table names ONNX', () => {
  const ids = bindings.map((b) => b.id);
  const leaks = files
    .filter((f) => roomOf(f.rel) !== 'bindings')
    .flatMap((f) => {
      const c = code(f.text);
      const named = ids.filter((id) => c.includes(`'${id}'`) || c.includes(`\`${id}\``) || c.includes(`"${id}"`)).map((id) => `${f.rel}: ${id}`);
      const python = c.includes("'/python'") || c.includes('/python`') ? [`${f.rel}: '/python'`] : [];
      const onnx = roomOf(f.rel) !== 'protocol' && c.includes("'onnx'") ? [`${f.rel}: 'onnx'`] : [];
      return [...named, ...python, ...onnx];
    });
  assert.deepEqual(leaks, []);
});
