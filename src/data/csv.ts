import Papa from 'papaparse';
import { brokenUtf8Reason, type Line } from './lines.ts';
import { closingQuote, openingQuote, opensTsvQuotedLine, scanQuotes, textAfterClosingQuote } from './csv-quotes.ts';
import { positionIn, tokenAt } from './json-error.ts';
import { generatedNames, HEADER_SAMPLE, headerlessReason, headerNames } from './csv-header.ts';
import { FileFormatError, ROW, type RawRecord, type RecordIssue } from './records.ts';

/**
 * CSV (RFC 4180) and TSV. The first record is the header, unless it reads as data (csv-header.ts): then the
 * columns are named column_1, column_2, ... and the first record carries a warning (an issue on a record that
 * has a row is a note about the file, not an error). Records are cut here, on line boundaries, with a small
 * quote-state machine, so each keeps the line it starts on; Papa Parse then splits the fields of a batch of
 * whole records at once. When Papa disagrees with the cut (malformed quotes), the batch is parsed record by
 * record and Papa's complaint is reported at the right line.
 *
 * TSV follows the IANA text/tab-separated-values rule, one record per line with literal quotes (GLUE-style
 * files carry them in their text), with two pandas exceptions: a field wrapped in quotes with doubled inner
 * quotes is unwrapped, and a quoted field may run over several lines when it holds no tab (`to_csv(sep='\t')`
 * quotes a text with a line break). A quote that does not close that way is literal, as before.
 */

interface PendingRecord {
  line: number;
  text: string;
  issues?: RecordIssue[];
  /** A TSV record whose quoted field spans lines: its fields are split by Papa, quotes and all. */
  quotedTsv?: boolean;
}

/** A record split into fields, or why it could not be. */
interface ParsedRecord {
  line: number;
  fields: string[];
  issues?: RecordIssue[];
}

/** A quoted field longer than this many lines is taken for an unterminated quote. */
const MAX_RECORD_LINES = 10_000;
/** TSV quotes are usually literal: a multi-line quoted field is given up sooner. */
const MAX_TSV_RECORD_LINES = 1_000;

export async function* readDelimited(batches: AsyncIterable<Line[]>, delimiter: ',' | '\t'): AsyncGenerator<RawRecord[]> {
  let header: string[] | null = null;
  /** The first records, held until the header is decided; null after. */
  let head: ParsedRecord[] | null = [];
  /** Notes about the header, attached to the first row read. */
  let headerNotes: string[] = [];
  let open: { line: number; lines: Line[]; inQuotes: boolean } | null = null;
  const quoted = delimiter === ',';

  const parse = (recs: PendingRecord[]): ParsedRecord[] => {
    const fieldsOf: ParsedFields[] = quoted
      ? parseCsvRecords(recs, delimiter)
      : recs.map((r) => (r.quotedTsv ? parseOne(r.text, delimiter, r.line) : { fields: r.text.split('\t').map(unwrapTsvField) }));
    return recs.map((rec, k) => {
      const { fields, error } = fieldsOf[k];
      const issues = rec.issues?.length ? rec.issues : error ? [{ line: rec.line, field: ROW, reason: error }] : undefined;
      return { line: rec.line, fields, issues };
    });
  };

  // The first record is the header unless it reads as data; either way, the records to emit as rows.
  const decideHeader = (recs: ParsedRecord[]): ParsedRecord[] => {
    const [first, ...rest] = recs;
    if (!first) throw new FileFormatError('no header row: the file is empty');
    if (first.issues) throw new FileFormatError(`line ${first.line}: the header row cannot be read (${first.issues[0].reason})`);
    const why = headerlessReason(first.fields, rest.filter((r) => !r.issues).map((r) => r.fields));
    if (!why) {
      ({ names: header, notes: headerNotes } = headerNames(first.fields, first.line));
      return rest;
    }
    header = generatedNames(first.fields.length);
    headerNotes = [
      `no header row: line ${first.line} reads as data (${why}), so it is kept as a row and the columns are named ` +
      `${header.length > 3 ? `${header.slice(0, 2).join(', ')}, … ${header[header.length - 1]}` : header.join(', ')}; ` +
      'if it is a header after all, add a line of column names above it',
    ];
    return recs;
  };

  const toRecords = (recs: PendingRecord[], final: boolean): RawRecord[] => {
    let parsed = recs.length ? parse(recs) : [];
    if (head) {
      for (const r of parsed) head.push(r); // a loop: a first chunk of short lines exceeds a call's argument limit
      if (!final && head.length <= HEADER_SAMPLE) return [];
      parsed = decideHeader(head);
      head = null;
    }
    const names = header!;
    const out: RawRecord[] = [];
    for (const { line, fields, issues } of parsed) {
      if (issues) {
        out.push({ line, row: null, issues });
        continue;
      }
      if (fields.length !== names.length) {
        const reason = `ragged row: ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${names.length}`;
        out.push({ line, row: null, issues: [{ line, field: ROW, reason }] });
        continue;
      }
      const row: Record<string, string> = {};
      for (let j = 0; j < names.length; j++) row[names[j]] = fields[j];
      out.push({ line, row });
      if (headerNotes.length) {
        out[out.length - 1].issues = headerNotes.map((reason) => ({ line, field: '(header)', reason }));
        headerNotes = [];
      }
    }
    return out;
  };

  const closeRecord = (lines: Line[], quotedTsv = false): PendingRecord => {
    const bad = lines.find((l) => l.badUtf8);
    return {
      line: lines[0].line,
      text: lines.map((l) => l.text).join('\n'),
      issues: bad ? [{ line: bad.line, field: ROW, reason: brokenUtf8Reason(bad.text) }] : undefined,
      ...(quotedTsv ? { quotedTsv } : {}),
    };
  };

  // Feeds lines through the quote state; returns the records they complete.
  const feed = (lines: Line[], recs: PendingRecord[]) => {
    for (const l of lines) {
      if (!open) {
        if (l.text === '' && !l.badUtf8) continue; // blank lines are not records
        if (quoted ? l.text.indexOf('"') < 0 : !opensTsvQuotedLine(l.text)) {
          recs.push(closeRecord([l]));
          continue;
        }
        open = { line: l.line, lines: [], inQuotes: false };
      }
      if (!quoted) {
        feedTsv(l, recs);
        continue;
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

  // TSV: the record stays open while its quoted field runs on without a tab; otherwise its quote was literal.
  const feedTsv = (l: Line, recs: PendingRecord[]) => {
    const o = open!;
    const first = o.lines.length === 0;
    o.lines.push(l);
    if (first) {
      o.inQuotes = true;
      return;
    }
    const end = l.text.indexOf('"') < 0 ? -1 : closingQuote(l.text);
    const inside = end < 0 ? l.text : l.text.slice(0, end);
    if (inside.includes('\t') || l.badUtf8) return void recs.push(...literalTsvQuote(o.lines));
    if (end < 0) {
      if (o.lines.length > MAX_TSV_RECORD_LINES) recs.push(...literalTsvQuote(o.lines));
      return;
    }
    open = null;
    const rec = closeRecord(o.lines, true);
    const one = parseOne(rec.text, '\t', rec.line);
    if (one.error) recs.push(...literalTsvQuote(o.lines));
    else recs.push(rec);
  };

  // The first line's quote was literal: it is a record on its own, and the lines after it are read again.
  const literalTsvQuote = (lines: Line[]): PendingRecord[] => {
    open = null;
    const again: PendingRecord[] = [closeRecord([lines[0]])];
    feed(lines.slice(1), again);
    return again;
  };

  // An unterminated quote: report it where it opened, and read the following lines again as new records.
  const unterminated = (lines: Line[]): PendingRecord[] => {
    const first = lines[0];
    open = null;
    const bad: PendingRecord = {
      line: first.line,
      text: first.text,
      issues: [{ line: first.line, field: ROW, reason: `malformed CSV: a quoted field is never closed (it opens at line ${first.line}, column ${openingQuote(first.text, delimiter) + 1})` }],
    };
    const again: PendingRecord[] = [];
    feed(lines.slice(1), again);
    return [bad, ...again];
  };

  for await (const lines of batches) {
    const recs: PendingRecord[] = [];
    feed(lines, recs);
    const out = toRecords(recs, false);
    if (out.length) yield out;
  }
  const tail: PendingRecord[] = [];
  for (let o = open as { lines: Line[] } | null; o; o = open as { lines: Line[] } | null) {
    tail.push(...(quoted ? unterminated(o.lines) : literalTsvQuote(o.lines)));
  }
  const out = toRecords(tail, true);
  if (out.length) yield out;
}

interface ParsedFields {
  fields: string[];
  error?: string;
}

const papaConfig = (delimiter: string) => ({ delimiter, newline: '\n' as const, quoteChar: '"', skipEmptyLines: false as const });

function parseCsvRecords(recs: PendingRecord[], delimiter: string): ParsedFields[] {
  if (!recs.length) return [];
  const all = Papa.parse<string[]>(recs.map((r) => r.text).join('\n'), papaConfig(delimiter));
  if (all.errors.length === 0 && all.data.length === recs.length) return all.data.map((fields) => ({ fields }));
  return recs.map((r) => parseOne(r.text, delimiter, r.line));
}

/** One record's fields; `line` is where it starts, so Papa's complaint can say where in the file it is. */
function parseOne(text: string, delimiter: string, line: number): ParsedFields {
  const one = Papa.parse<string[]>(text, papaConfig(delimiter));
  if (one.errors.length) {
    const after = textAfterClosingQuote(text, delimiter);
    if (after < 0) return { fields: [], error: `malformed CSV: ${one.errors[0].message.toLowerCase()}` };
    const at = positionIn(text, after, line, 0);
    const sep = delimiter === '\t' ? 'a tab' : `'${delimiter}'`;
    return {
      fields: [],
      error: `malformed CSV at line ${at.line}, column ${at.column}: found ${tokenAt(text, after)} after a quoted field's closing quote, where ${sep} or the end of the line was expected (write "" for a quote inside quotes)`,
    };
  }
  if (one.data.length !== 1) return { fields: [], error: 'malformed CSV: the record does not parse as one row' };
  return { fields: one.data[0] };
}

function unwrapTsvField(f: string): string {
  if (f.length >= 2 && f.startsWith('"') && f.endsWith('"')) {
    const inner = f.slice(1, -1);
    if (!inner.replace(/""/g, '').includes('"')) return inner.replace(/""/g, '"');
  }
  return f;
}
