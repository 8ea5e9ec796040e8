import type { ColumnMapping } from './detect.ts';
import { labelValue, listField, typeName, type FieldIssue } from './fields.ts';
import type { Row } from './records.ts';
import type { NerExample } from './types.ts';

/** Tokens + tags → NerExample. The tag scheme is checked later, once the training file has shown it. */
export function toNerExample(row: Row, m: ColumnMapping): { example?: NerExample; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const tokensCol = m.tokens!, tagsCol = m.tags!;
  const rawTokens = listField(row, tokensCol, issues);
  const rawTags = listField(row, tagsCol, issues);
  if (!rawTokens || !rawTags) return { issues };
  if (rawTokens.length === 0) return { issues: [{ field: tokensCol, reason: 'empty' }] };
  const tokens: string[] = [];
  rawTokens.forEach((t, i) => {
    if (typeof t !== 'string') issues.push({ field: `${tokensCol}[${i}]`, reason: `wrong type: expected a string, got ${typeName(t)}` });
    else if (t.trim() === '') issues.push({ field: `${tokensCol}[${i}]`, reason: 'empty token' });
    else tokens.push(t);
  });
  const tags: string[] = [];
  rawTags.forEach((t, i) => {
    const tag = labelValue(t, `${tagsCol}[${i}]`, issues);
    if (tag !== undefined) tags.push(tag);
  });
  if (rawTokens.length !== rawTags.length) {
    issues.push({ field: tagsCol, reason: `tokens/tags length mismatch: ${rawTokens.length} tokens, ${rawTags.length} tags` });
  }
  if (issues.length) return { issues };
  return { example: { tokens, tags }, issues };
}
