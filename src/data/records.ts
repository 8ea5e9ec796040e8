/**
 * What every reader yields: raw rows with the line they start on, before any task is known. A reader never
 * throws for a bad row; it attaches an issue and moves on, so one broken line costs one row, not the file.
 */

/** One row as parsed: JSON values for JSON inputs, strings for CSV/TSV, `{tokens, ner_tags}` for CoNLL. */
export type Row = Record<string, unknown>;

export interface RecordIssue {
  line: number;
  field: string;
  reason: string;
}

export interface RawRecord {
  /** 1-based line the row starts on. */
  line: number;
  /** null when the row could not be parsed at all (then `issues` says why). */
  row: Row | null;
  issues?: RecordIssue[];
}

/** `text`: plain text, one document per line (masked-LM corpora). */
export type FileFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'conll' | 'text';

/** The file as a whole is unusable (not the format it claims, no rows, no header, ...). */
export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

/** Field name used when a problem concerns the whole row rather than one column. */
export const ROW = '(row)';

const BY_EXTENSION: Record<string, FileFormat> = {
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  conll: 'conll',
  conllu: 'conll',
  iob: 'conll',
  iob2: 'conll',
  bio: 'conll',
  ner: 'conll',
  txt: 'conll',
};

/** A tag column as CoNLL files write it: O, B-PER, I-LOC, S-ORG, E-MISC, or a bare entity type in IO files. */
const TAG = /^(O|[BIESLU][-_][^\s]+|[A-Z][A-Za-z_]*)$/;

/**
 * Whether the first (up to 20) non-blank, non-comment lines are each a token and a tag: 2–4 columns whose last
 * looks like a tag, and at least one `B-`/`I-`-style tag or `O`. Prose fails on its first line of many words.
 */
export function looksLikeConll(head: string): boolean {
  const all = head.split('\n');
  const lines = (all.length > 1 ? all.slice(0, -1) : all) // the last line of a 4 KiB head may be cut
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('-DOCSTART-') && !/^#\s/.test(l))
    .slice(0, 20);
  if (lines.length === 0) return false;
  let tagged = 0;
  for (const l of lines) {
    const cols = (l.includes('\t') ? l.split('\t') : l.trim().split(/\s+/)).filter((c) => c.trim() !== '');
    if (cols.length < 2 || cols.length > 4 || !TAG.test(cols[cols.length - 1].trim())) return false;
    if (/^(O|[BIESLU][-_].+)$/.test(cols[cols.length - 1].trim())) tagged++;
  }
  return tagged > 0;
}

/**
 * Format from the file name, then from the first bytes when the extension says nothing. A `.txt` is CoNLL when
 * its first lines are token–tag pairs (NER corpora are often shipped so), JSONL when it starts with `{`, and
 * otherwise plain text: one document per line, what masked-LM corpora are.
 */
export function detectFormat(fileName: string, head: string): FileFormat | null {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const byExt = BY_EXTENSION[ext];
  const first = head.replace(/^\uFEFF/, '').trimStart();
  if (byExt && byExt !== 'conll') return byExt;
  if (first.startsWith('{')) return 'jsonl';
  if (first.startsWith('[')) return 'json';
  if (ext === 'txt') return looksLikeConll(first) ? 'conll' : 'text';
  if (byExt) return byExt;
  const firstLine = first.split('\n', 1)[0] ?? '';
  if (firstLine.includes('\t') && head.split('\n').slice(0, 5).every((l) => l === '' || l.split('\t').length === firstLine.split('\t').length))
    return firstLine.split('\t').length === 2 ? 'conll' : 'tsv';
  if (firstLine.includes(',')) return 'csv';
  return null;
}
