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

export type FileFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'conll';

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

/**
 * Format from the file name, then from the first bytes when the extension says nothing. `.txt` is taken as
 * CoNLL because that is how NER corpora are usually shipped; a `.txt` that starts with `{` is JSONL.
 */
export function detectFormat(fileName: string, head: string): FileFormat | null {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const byExt = BY_EXTENSION[ext];
  const first = head.replace(/^\uFEFF/, '').trimStart();
  if (byExt && byExt !== 'conll') return byExt;
  if (first.startsWith('{')) return 'jsonl';
  if (first.startsWith('[')) return 'json';
  if (byExt) return byExt;
  const firstLine = first.split('\n', 1)[0] ?? '';
  if (firstLine.includes('\t') && head.split('\n').slice(0, 5).every((l) => l === '' || l.split('\t').length === firstLine.split('\t').length))
    return firstLine.split('\t').length === 2 ? 'conll' : 'tsv';
  if (firstLine.includes(',')) return 'csv';
  return null;
}
