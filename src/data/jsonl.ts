import { invalidJsonReason } from './json-error.ts';
import { brokenUtf8Reason, type Line } from './lines.ts';
import { ROW, type RawRecord } from './records.ts';

/** One JSON object per line; blank lines are not rows. Each line fails on its own. */
export async function* readJsonl(batches: AsyncIterable<Line[]>): AsyncGenerator<RawRecord[]> {
  for await (const lines of batches) {
    const out: RawRecord[] = [];
    for (const { line, text, badUtf8 } of lines) {
      if (badUtf8) {
        out.push({ line, row: null, issues: [{ line, field: ROW, reason: brokenUtf8Reason(text) }] });
        continue;
      }
      if (text.trim() === '') continue;
      // A BOM starting a later line is a file concatenated onto this one (`cat a.jsonl b.jsonl`), not content.
      out.push(text.charCodeAt(0) === 0xfeff ? parseJsonRow(text.slice(1), line, 1) : parseJsonRow(text, line));
    }
    if (out.length) yield out;
  }
}

/** One JSON object; `startCol` is the 0-based column its text starts at on `line` (elements of a .json file). */
export function parseJsonRow(text: string, line: number, startCol = 0): RawRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line, row: null, issues: [{ line, field: ROW, reason: invalidJsonReason(text, line, startCol, (e as Error).message) }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { line, row: null, issues: [{ line, field: ROW, reason: `wrong type: expected a JSON object, got ${got}` }] };
  }
  return { line, row: value as Record<string, unknown> };
}
