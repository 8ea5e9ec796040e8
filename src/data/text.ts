import { brokenUtf8Reason, type Line } from './lines.ts';
import type { RawRecord } from './records.ts';

/**
 * Plain text, one document per line (`run_mlm.py`'s `.txt` input): each non-blank line becomes a `{text}` row.
 * Blank lines separate nothing and are skipped, as the datasets `text` loader's rows are filtered by
 * run_mlm.py's line-by-line mode; with `group_texts` every line is concatenated anyway.
 */
export async function* readText(batches: AsyncIterable<Line[]>): AsyncGenerator<RawRecord[]> {
  for await (const lines of batches) {
    const out: RawRecord[] = [];
    for (const { line, text, badUtf8 } of lines) {
      if (badUtf8) out.push({ line, row: null, issues: [{ line, field: 'text', reason: brokenUtf8Reason(text) }] });
      else if (text.trim() !== '') out.push({ line, row: { text } });
    }
    if (out.length) yield out;
  }
}
