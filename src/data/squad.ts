import { invalidJsonReason } from './json-error.ts';
import { ROW, type RawRecord } from './records.ts';

/**
 * One SQuAD article (`{title, paragraphs: [{context, qas: [...]}]}`) → one flat row per question, in the same
 * shape as the flat JSONL form, so a single QA converter validates both. `qaLines` holds the line each
 * question object starts on, in document order, as the streaming scanner saw them; `startCol` is the 0-based
 * column the article's text starts at on `line`, so a parse error gives its place in the file.
 */
export function flattenSquadArticle(text: string, line: number, qaLines: readonly number[], startCol = 0): RawRecord[] {
  let article: unknown;
  try {
    article = JSON.parse(text);
  } catch (e) {
    return [{ line, row: null, issues: [{ line, field: ROW, reason: invalidJsonReason(text, line, startCol, (e as Error).message) }] }];
  }
  const paragraphs = isObject(article) ? article.paragraphs : undefined;
  if (!Array.isArray(paragraphs)) {
    return [{ line, row: null, issues: [{ line, field: 'paragraphs', reason: 'missing: not a SQuAD article (no "paragraphs" list)' }] }];
  }
  const title = isObject(article) && typeof article.title === 'string' ? article.title : undefined;
  const out: RawRecord[] = [];
  let k = 0;
  for (const p of paragraphs) {
    if (!isObject(p) || !Array.isArray(p.qas)) {
      out.push({ line, row: null, issues: [{ line, field: 'paragraphs.qas', reason: 'missing: paragraph without a "qas" list' }] });
      continue;
    }
    for (const qa of p.qas) {
      const qaLine = qaLines[k++] ?? line;
      if (!isObject(qa)) {
        out.push({ line: qaLine, row: null, issues: [{ line: qaLine, field: 'qas', reason: 'wrong type: expected an object' }] });
        continue;
      }
      out.push({
        line: qaLine,
        row: {
          id: qa.id,
          title,
          context: p.context,
          question: qa.question,
          answers: qa.answers,
          ...(qa.is_impossible !== undefined ? { is_impossible: qa.is_impossible } : {}),
        },
      });
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
