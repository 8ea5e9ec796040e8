/** JSON Lines reading for the CLI scripts, with errors that name the file and the 1-based line. */
import { existsSync, readFileSync, statSync } from 'node:fs';

import { at, InputError, type JsonlRow } from '../../src/tasks/evalInputs.ts';

export { at, InputError, type JsonlRow };

/** Every non-blank line parsed as one JSON object. Blank lines are skipped but still counted for numbering. */
export function readJsonl(file: string): JsonlRow[] {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new InputError(`${file}: not a regular file`);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows: JsonlRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw at(file, i + 1, `invalid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw at(file, i + 1, 'expected a JSON object');
    }
    rows.push({ line: i + 1, value: value as Record<string, unknown> });
  });
  if (rows.length === 0) throw new InputError(`${file}: no rows`);
  return rows;
}
