import { quote, tokenAt } from './json-error.ts';
import { BROKEN_UTF8, type Line } from './lines.ts';
import { parseJsonRow } from './jsonl.ts';
import { FileFormatError, ROW, type RawRecord } from './records.ts';
import { flattenSquadArticle } from './squad.ts';

/**
 * A `.json` document read as a stream: a top-level array of row objects, SQuAD's `{"data": [articles]}`, or
 * one or more top-level objects (pretty-printed JSONL). The scanner only tracks strings and brackets to cut
 * the text into elements; each element is then handed to `JSON.parse`, which does the real validation and
 * whose failure costs one element. The whole document is never held in memory, so size is not a limit.
 */

interface Frame {
  kind: 'obj' | 'arr';
  /** The key this container sits under in its parent object (`data`, `qas`, ...). */
  name: string | null;
  /** Last key read inside an object. */
  key: string | null;
  expectKey: boolean;
  line: number;
  /** 1-based column of the opening bracket. */
  column: number;
}

interface Capture {
  kind: 'row' | 'article';
  /** Stack depth of the container the element sits in; its `,` or closing bracket ends the element. */
  depth: number;
  startLine: number;
  startCol: number;
  parts: string[];
  /** Where the first character that was not valid UTF-8 sits inside the element. */
  bad: { line: number; column: number } | null;
  qaLines: number[];
}

const REPLACEMENT = 0xfffd;
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const OPEN_OBJ = 123, CLOSE_OBJ = 125, OPEN_ARR = 91, CLOSE_ARR = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}
function endsScalar(c: number): boolean {
  return isSpace(c) || c === COMMA || c === CLOSE_ARR || c === CLOSE_OBJ || c === COLON;
}

export async function* readJsonDocument(batches: AsyncIterable<Line[]>): AsyncGenerator<RawRecord[]> {
  const stack: Frame[] = [];
  let inString = false, escape = false, keyStart = -1;
  /** Where the string being read opened, for an end of file inside it. */
  let stringAt = { line: 0, column: 0 };
  let mode: 'none' | 'array' | 'objects' | 'squad' = 'none';
  let roots = 0;
  let cap: Capture | null = null;
  let out: RawRecord[] = [];
  let sawValue = false;
  let lastLine = 0, lastColumn = 1;
  let badIssueLine = 0;

  const issue = (line: number, reason: string, field = ROW) =>
    out.push({ line, row: null, issues: [{ line, field, reason }] });

  const finish = (text: string, end: number) => {
    const c = cap!;
    cap = null;
    const body = c.parts.length ? c.parts.join('\n') + '\n' + text.slice(0, end) : text.slice(c.startCol, end);
    if (c.bad) return issue(c.bad.line, `${BROKEN_UTF8} (column ${c.bad.column}, in the element that starts at line ${c.startLine})`);
    if (c.kind === 'article') out.push(...flattenSquadArticle(body, c.startLine, c.qaLines, c.startCol));
    else out.push(parseJsonRow(body, c.startLine, c.startCol));
  };

  for await (const lines of batches) {
    for (const { line, text, badUtf8 } of lines) {
      const n = text.length;
      lastLine = line;
      lastColumn = n + 1;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        // A line that is not valid UTF-8 is still scanned: invalid bytes decode to U+FFFD and never to a quote
        // or bracket, so the structure holds, and only the element holding the broken bytes is lost (a
        // one-line SQuAD file with one bad byte keeps its other articles).
        if (badUtf8 && c === REPLACEMENT) {
          if (cap) cap.bad ??= { line, column: i + 1 };
          else if (badIssueLine !== line) {
            badIssueLine = line;
            issue(line, `${BROKEN_UTF8} (column ${i + 1})`);
          }
        }
        if (inString) {
          if (escape) escape = false;
          else if (c === BACKSLASH) escape = true;
          else if (c === QUOTE) {
            inString = false;
            if (keyStart >= 0) {
              stack[stack.length - 1].key = text.slice(keyStart, i);
              keyStart = -1;
            }
          }
          continue;
        }
        if (isSpace(c)) continue;
        const top = stack[stack.length - 1] as Frame | undefined;
        if (c === QUOTE && top?.kind === 'obj' && top.expectKey) {
          inString = true;
          stringAt = { line, column: i + 1 };
          keyStart = i + 1;
          continue;
        }
        if (c === COLON) {
          if (top?.kind === 'obj') top.expectKey = false;
          continue;
        }
        if (c === COMMA || c === CLOSE_ARR || c === CLOSE_OBJ) {
          if (cap && cap.depth === stack.length && cap.depth > 0) finish(text, i);
          if (c === COMMA) {
            if (top?.kind === 'obj') top.expectKey = true;
            continue;
          }
          const want = c === CLOSE_OBJ ? 'obj' : 'arr';
          if (!top || top.kind !== want) {
            const expected = top ? `',' or '${top.kind === 'obj' ? '}' : ']'}' (closing the ${top.kind === 'obj' ? 'object' : 'array'} opened at line ${top.line}, column ${top.column})` : 'nothing (the top-level value is already closed)';
            issue(line, `invalid JSON at line ${line}, column ${i + 1}: found ${quote(String.fromCharCode(c))} where ${expected} was expected`);
            continue;
          }
          stack.pop();
          if (stack.length === 0 && cap?.depth === 0) finish(text, i + 1);
          continue;
        }

        // A value starts here: decide whether it begins an element we emit.
        sawValue = true;
        const depth = stack.length;
        if (depth === 0) {
          roots++;
          if (c === OPEN_ARR && roots === 1) mode = 'array';
          else if (c === OPEN_OBJ && mode !== 'array') mode = 'objects';
          else if (mode === 'array') issue(line, `invalid JSON at line ${line}, column ${i + 1}: found ${tokenAt(text, i)} after the top-level array, where the end of the file was expected`);
          else throw new FileFormatError(`line ${line}: expected a JSON array or object at the top level, found ${tokenAt(text, i)} (column ${i + 1})`);
          if (c === OPEN_OBJ && mode === 'objects') cap = newCapture('row', 0, line, i);
        } else if (depth === 1 && mode === 'array') {
          cap = newCapture('row', 1, line, i);
        } else if (depth === 1 && mode === 'objects' && c === OPEN_ARR && stack[0].key === 'data') {
          mode = 'squad'; // SQuAD: the articles are the elements of "data"
          if (cap?.bad) issue(cap.bad.line, `${BROKEN_UTF8} (column ${cap.bad.column}, before the SQuAD "data" list)`);
          cap = null;
        } else if (depth === 2 && mode === 'squad' && stack[1].kind === 'arr' && stack[1].name === 'data' && roots === 1) {
          cap = newCapture('article', 2, line, i);
        }
        if (c === QUOTE) {
          inString = true;
          stringAt = { line, column: i + 1 };
        } else if (c === OPEN_OBJ || c === OPEN_ARR) {
          if (c === OPEN_OBJ && cap?.kind === 'article' && top?.kind === 'arr' && top.name === 'qas') cap.qaLines.push(line);
          const name = top?.kind === 'obj' ? top.key : null;
          stack.push({ kind: c === OPEN_OBJ ? 'obj' : 'arr', name, key: null, expectKey: c === OPEN_OBJ, line, column: i + 1 });
        } else {
          while (i + 1 < n && !endsScalar(text.charCodeAt(i + 1))) i++;
        }
      }
      if (cap) {
        cap.parts.push(cap.parts.length ? text : text.slice(cap.startCol));
      }
    }
    if (out.length) {
      yield out;
      out = [];
    }
  }

  if (!sawValue) throw new FileFormatError(`line ${lastLine}, column ${lastColumn}: the file holds no JSON value, only whitespace`);
  if (inString || stack.length) {
    const opened = stack.length ? stack[stack.length - 1] : null;
    const at = cap?.startLine ?? opened?.line ?? 1;
    const what = inString ? 'string' : opened?.kind === 'arr' ? 'array' : 'object';
    const from = inString ? stringAt : opened;
    const where = from ? ` (opened at line ${from.line}, column ${from.column})` : '';
    issue(at, `invalid JSON at line ${lastLine}, column ${lastColumn}: found end of file inside an unclosed ${what}${where}`);
  }
  if (out.length) yield out;
}

function newCapture(kind: Capture['kind'], depth: number, startLine: number, startCol: number): Capture {
  return { kind, depth, startLine, startCol, parts: [], bad: null, qaLines: [] };
}
