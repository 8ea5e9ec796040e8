import Papa from 'papaparse';
import { BROKEN_UTF8, type Line } from './lines.ts';
import { FileFormatError, ROW, type RawRecord, type RecordIssue } from './records.ts';

/**
 * CSV (RFC 4180) and TSV. The first record is the header. Records are cut here, on line boundaries, with a
 * small quote-state machine, so each keeps the line it starts on; Papa Parse then splits the fields of a
 * batch of whole records at once. When Papa disagrees with the cut (malformed quotes), the batch is parsed
 * record by record and Papa's complaint is reported at the right line.
 *
 * TSV follows the IANA text/tab-separated-values rule: one record per line, no quoting (GLUE-style files
 * carry literal quotes in their text). A field wrapped in quotes with doubled inner quotes, as pandas
 * writes it, is unwrapped.
 */

interface PendingRecord {
  line: number;
  text: string;
  issues?: RecordIssue[];
}

/** A quoted field longer than this many lines is taken for an unterminated quote. */
const MAX_RECORD_LINES = 10_000;

export async function* readDelimited(batches: AsyncIterable<Line[]>, delimiter: ',' | '\t'): AsyncGenerator<RawRecord[]> {
  let header: string[] | null = null;
  let open: { line: number; lines: Line[]; inQuotes: boolean } | null = null;
  const quoted = delimiter === ',';

  const toRecords = (recs: PendingRecord[]): RawRecord[] => {
    if (!recs.length) return [];
    const fieldsOf: ParsedFields[] = quoted
      ? parseCsvRecords(recs, delimiter)
      : recs.map((r) => ({ fields: r.text.split('\t').map(unwrapTsvField) }));
    const out: RawRecord[] = [];
    for (let k = 0; k < recs.length; k++) {
      const rec = recs[k];
      const { fields, error } = fieldsOf[k];
      if (!header && (rec.issues?.length || error)) {
        throw new FileFormatError(`line ${rec.line}: the header row cannot be read (${rec.issues?.[0].reason ?? error})`);
      }
      if (rec.issues?.length) {
        out.push({ line: rec.line, row: null, issues: rec.issues });
        continue;
      }
      if (error) {
        out.push({ line: rec.line, row: null, issues: [{ line: rec.line, field: ROW, reason: error }] });
        continue;
      }
      if (!header) {
        header = uniqueHeader(fields);
        continue;
      }
      if (fields.length !== header.length) {
        const reason = `ragged row: ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`;
        out.push({ line: rec.line, row: null, issues: [{ line: rec.line, field: ROW, reason }] });
        continue;
      }
      const row: Record<string, string> = {};
      for (let j = 0; j < header.length; j++) row[header[j]] = fields[j];
      out.push({ line: rec.line, row });
    }
    return out;
  };

  const closeRecord = (lines: Line[]): PendingRecord => {
    const bad = lines.find((l) => l.badUtf8);
    return {
      line: lines[0].line,
      text: lines.map((l) => l.text).join('\n'),
      issues: bad ? [{ line: bad.line, field: ROW, reason: BROKEN_UTF8 }] : undefined,
    };
  };

  // Feeds lines through the quote state; returns the records they complete.
  const feed = (lines: Line[], recs: PendingRecord[]) => {
    for (const l of lines) {
      if (!open) {
        if (l.text === '' && !l.badUtf8) continue; // blank lines are not records
        if (!quoted || l.text.indexOf('"') < 0) {
          recs.push(closeRecord([l]));
          continue;
        }
        open = { line: l.line, lines: [], inQuotes: false };
      }
      open.lines.push(l);
      open.inQuotes = scanQuotes(l.text, delimiter, open.inQuotes);
      if (!open.inQuotes) {
        recs.push(closeRecord(open.lines));
        open = null;
      } else if (open.lines.length > MAX_RECORD_LINES) {
        recs.push(...unterminated(open.lines));
      }
    }
  };

  // An unterminated quote: report it where it opened, and read the following lines again as new records.
  const unterminated = (lines: Line[]): PendingRecord[] => {
    const first = lines[0];
    open = null;
    const bad: PendingRecord = {
      line: first.line,
      text: first.text,
      issues: [{ line: first.line, field: ROW, reason: 'malformed CSV: a quoted field is never closed' }],
    };
    const again: PendingRecord[] = [];
    feed(lines.slice(1), again);
    return [bad, ...again];
  };

  for await (const lines of batches) {
    const recs: PendingRecord[] = [];
    feed(lines, recs);
    const out = toRecords(recs);
    if (out.length) yield out;
  }
  const tail: PendingRecord[] = [];
  for (let o = open as { lines: Line[] } | null; o; o = open as { lines: Line[] } | null) tail.push(...unterminated(o.lines));
  const out = toRecords(tail);
  if (!header) throw new FileFormatError('no header row: the file is empty');
  if (out.length) yield out;
}

/** Quote state at the end of `line`: a quote opens a field only at its start; `""` inside is an escaped quote. */
export function scanQuotes(line: string, delimiter: string, inQuotes: boolean): boolean {
  const d = delimiter.charCodeAt(0);
  let atFieldStart = !inQuotes;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (line.charCodeAt(i + 1) === 34) i++;
        else inQuotes = false;
      }
    } else if (c === d) atFieldStart = true;
    else {
      if (c === 34 && atFieldStart) inQuotes = true;
      atFieldStart = false;
    }
  }
  return inQuotes;
}

interface ParsedFields {
  fields: string[];
  error?: string;
}

function parseCsvRecords(recs: PendingRecord[], delimiter: string): ParsedFields[] {
  const cfg = { delimiter, newline: '\n' as const, quoteChar: '"', skipEmptyLines: false as const };
  const all = Papa.parse<string[]>(recs.map((r) => r.text).join('\n'), cfg);
  if (all.errors.length === 0 && all.data.length === recs.length) return all.data.map((fields) => ({ fields }));
  return recs.map((r) => {
    const one = Papa.parse<string[]>(r.text, cfg);
    if (one.errors.length) return { fields: [], error: `malformed CSV: ${one.errors[0].message.toLowerCase()}` };
    if (one.data.length !== 1) return { fields: [], error: 'malformed CSV: the record does not parse as one row' };
    return { fields: one.data[0] };
  });
}

function unwrapTsvField(f: string): string {
  if (f.length >= 2 && f.startsWith('"') && f.endsWith('"')) {
    const inner = f.slice(1, -1);
    if (!inner.replace(/""/g, '').includes('"')) return inner.replace(/""/g, '"');
  }
  return f;
}

function uniqueHeader(fields: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    let name = raw.trim() || `column_${i + 1}`;
    for (let k = 2; seen.has(name); k++) name = `${raw.trim() || `column_${i + 1}`}_${k}`;
    seen.add(name);
    return name;
  });
}
