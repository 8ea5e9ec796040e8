import { brokenUtf8Reason, type Line } from './lines.ts';
import type { RawRecord, RecordIssue } from './records.ts';

/**
 * CoNLL-style NER text: one token per line with its tag in the last column (tab- or space-separated), a blank
 * line (or one holding only whitespace) between sentences. `-DOCSTART-` lines and CoNLL-U `# key = value`
 * comments are not tokens. Each sentence becomes a `{tokens, ner_tags}` row at the line of its first token.
 */
export async function* readConll(batches: AsyncIterable<Line[]>): AsyncGenerator<RawRecord[]> {
  let tokens: string[] = [];
  let tags: string[] = [];
  let start = 0;
  let issues: RecordIssue[] = [];

  const flush = (out: RawRecord[]) => {
    if (tokens.length || issues.length) {
      out.push(issues.length ? { line: start, row: null, issues } : { line: start, row: { tokens, ner_tags: tags } });
    }
    tokens = [];
    tags = [];
    issues = [];
    start = 0;
  };

  for await (const lines of batches) {
    const out: RawRecord[] = [];
    for (const { line, text, badUtf8 } of lines) {
      if (text.trim() === '' && !badUtf8) {
        flush(out);
        continue;
      }
      if (text.startsWith('-DOCSTART-') || (start === 0 && /^#\s.*=/.test(text) && !text.includes('\t'))) continue;
      if (start === 0) start = line;
      if (badUtf8) {
        issues.push({ line, field: 'tokens', reason: brokenUtf8Reason(text) });
        continue;
      }
      const cols = (text.includes('\t') ? text.split('\t') : text.trim().split(/\s+/)).filter((c) => c.trim() !== '');
      if (cols.length < 2) {
        issues.push({ line, field: 'ner_tags', reason: 'missing: expected a token and a tag separated by a tab or space' });
        continue;
      }
      tokens.push(cols[0].trim());
      tags.push(cols[cols.length - 1].trim());
    }
    if (out.length) yield out;
  }
  const out: RawRecord[] = [];
  flush(out);
  if (out.length) yield out;
}
