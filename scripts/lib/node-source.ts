import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** `--model` accepts a local directory or a Hub id; a path that exists wins. */
export function modelSource(spec: string): FileSource {
  return existsSync(spec) && statSync(spec).isDirectory() ? dirSource(spec) : hubSource(spec);
}
