/**
 * The registry's layering: src/tasks may import the helpers of data/, tokenize/, engine/ and metrics/, but
 * nothing it imports (at run time, transitively) may import src/tasks back, and it stays free of TF.js and
 * transformers.js so the data worker can ask it about tasks without loading either.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const SRC = resolve('src');
const TASKS = join(SRC, 'tasks');

/** Run-time imports of a file (`import type` and `export type` lines are erased by the compiler). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]);
  return out;
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const f of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(f) && f.match(/\.tsx?$/)) return f;
  throw new Error(`${relative(SRC, from)}: cannot resolve ${spec}`);
}

/** Every file the registry loads, with the packages they import. */
function closure(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = readdirSync(TASKS).filter((f) => f.endsWith('.ts')).map((f) => join(TASKS, f));
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const spec of runtimeImports(f)) {
      const local = resolveLocal(f, spec);
      if (local) todo.push(local);
      else packages.add(spec);
    }
  }
  return { files, packages };
}

test('nothing the registry imports imports the registry back', () => {
  const { files } = closure();
  const helpers = [...files].filter((f) => !f.startsWith(TASKS + '/'));
  expect(helpers.length).toBeGreaterThan(5);
  const backEdges = helpers.filter((f) => runtimeImports(f).some((s) => resolveLocal(f, s)?.startsWith(TASKS + '/')));
  expect(backEdges.map((f) => relative(SRC, f))).toEqual([]);
});

test('the registry loads neither TF.js nor transformers.js', () => {
  const { packages } = closure();
  expect([...packages].filter((p) => p.startsWith('@tensorflow') || p.startsWith('@huggingface'))).toEqual([]);
});
