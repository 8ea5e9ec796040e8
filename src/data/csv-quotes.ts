/**
 * The quote rules of CSV (RFC 4180: a quote opens a field only at its start, `""` inside is a quote) as small
 * state machines over one record's text: where records end, where a quoted field opened, where a closing
 * quote is followed by something other than a delimiter. Papa Parse splits the fields; these say where.
 */

/** Index of the first character that follows a quoted field's closing quote but is no delimiter or line end; -1 if none. */
export function textAfterClosingQuote(text: string, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let inQuotes = false, atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c !== 34) continue;
      if (text.charCodeAt(i + 1) === 34) i++;
      else {
        inQuotes = false;
        const next = text.charCodeAt(i + 1);
        if (i + 1 < text.length && next !== d && next !== 10) return i + 1;
      }
    } else if (c === d || c === 10) atFieldStart = true;
    else {
      if (c === 34 && atFieldStart) inQuotes = true;
      atFieldStart = false;
    }
  }
  return -1;
}

/** Index of the quote that leaves `line` inside a quoted field (the last one opening at a field start). */
export function openingQuote(line: string, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let inQuotes = false, atFieldStart = true, at = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inQuotes) {
      if (c === 34 && line.charCodeAt(i + 1) === 34) i++;
      else if (c === 34) inQuotes = false;
    } else if (c === d) atFieldStart = true;
    else {
      if (c === 34 && atFieldStart) [inQuotes, at] = [true, i];
      atFieldStart = false;
    }
  }
  return at;
}

/** A TSV line whose last field opens a quote and does not close it, with no tab after the quote. */
export function opensTsvQuotedLine(text: string): boolean {
  const q = text.lastIndexOf('\t') + 1;
  if (text.charCodeAt(q) !== 34) return false;
  return scanQuotes(text.slice(q), '\t', false);
}

/** Index of the quote that closes a field continued from an earlier line (`""` is an escaped quote), or -1. */
export function closingQuote(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 34) continue;
    if (text.charCodeAt(i + 1) === 34) i++;
    else return i;
  }
  return -1;
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
