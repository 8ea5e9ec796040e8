import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TOKENIZER_FILES } from '../../src/hub/download.ts';
import { hubSource, type FileSource } from '../../src/hub/source.ts';

/** A directory on disk, for the CLI scripts (the browser uses localFilesSource). */
export function dirSource(dir: string): FileSource {
  const root = resolve(dir);
  return {
    label: `local:${root}`,
    async read(path) {
      const full = join(root, path);
      if (!existsSync(full)) return null;
      const buf = await readFile(full);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    },
  };
}

const MODEL_FILES = ['config.json', ...TOKENIZER_FILES];
const isModelDir = (dir: string) => MODEL_FILES.some((f) => existsSync(join(dir, f)));

/**
 * `--model` accepts a local directory or a Hub id; a path that exists wins. A directory with neither config.json
 * nor a tokenizer file is refused with the model folders inside it named (e.g. `public/models` → `tiny-bert`).
 */
export function modelSource(spec: string): FileSource {
  if (!(existsSync(spec) && statSync(spec).isDirectory())) return hubSource(spec);
  if (!isModelDir(spec)) {
    const inside = readdirSync(spec).filter((d) => isModelDir(join(spec, d)));
    const hint = inside.length ? `; model folders inside it: ${inside.map((d) => join(spec, d)).join(', ')}` : '';
    throw new Error(`${resolve(spec)} is not a model folder: it has no config.json or tokenizer files${hint}`);
  }
  return dirSource(spec);
}
