/**
 * Where a JSON text stops being JSON, and what stands there. `JSON.parse` says this differently in every engine
 * (V8 often names no position at all, and a position it names is an offset into the element, not the file),
 * so on failure the text is walked once more by this small validator, whose answer is the same everywhere.
 * It runs only after `JSON.parse` has failed, so it is written for clarity, not speed; the nesting is an
 * explicit stack, so a fuzzed `[[[[…` cannot overflow the call stack.
 */

export interface JsonSyntaxError {
  /** Offset into the text (UTF-16 units). */
  offset: number;
  /** The offending character or token, quoted and shortened; `end of input` when the text ends too soon. */
  found: string;
  /** What the grammar allowed there. */
  expected: string;
}

type Want = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

const EXPECTED: Record<Want, string> = {
  value: 'a value',
  valueOrClose: "a value or ']'",
  key: 'a double-quoted property name',
  keyOrClose: "a double-quoted property name or '}'",
  colon: "':'",
  commaOrClose: '', // depends on the container; filled in below
  end: 'the end of the JSON text',
};

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const WORD = /[A-Za-z0-9_$.+-]+/y;
const ESCAPES = '"\\/bfnrt';
const MAX_SHOWN = 24;

/** The first syntax error in `text`, or null when it is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: string[] = [];
  let want: Want = 'value';
  let i = 0;
  const fail = (at: number, expected: string): JsonSyntaxError => ({ offset: at, found: tokenAt(text, at), expected });
  const afterValue = (): Want => (stack.length ? 'commaOrClose' : 'end');

  for (;;) {
    while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
    const closer = stack[stack.length - 1] === '{' ? '}' : ']';
    if (i >= n) return want === 'end' ? null : fail(i, want === 'commaOrClose' ? `',' or '${closer}'` : EXPECTED[want]);
    const c = text[i];
    switch (want) {
      case 'value':
      case 'valueOrClose': {
        if (want === 'valueOrClose' && c === ']') {
          stack.pop();
          i++;
          want = afterValue();
        } else if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          want = c === '{' ? 'keyOrClose' : 'valueOrClose';
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          want = afterValue();
        } else {
          const m = match(c === '-' || (c >= '0' && c <= '9') ? NUMBER : LITERAL, text, i);
          if (!m || /[A-Za-z0-9_$]/.test(text[i + m] ?? '')) return fail(i, EXPECTED[want]);
          i += m;
          want = afterValue();
        }
        break;
      }
      case 'key':
      case 'keyOrClose': {
        if (want === 'keyOrClose' && c === '}') {
          stack.pop();
          i++;
          want = afterValue();
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          want = 'colon';
        } else return fail(i, EXPECTED[want]);
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, EXPECTED.colon);
        i++;
        want = 'value';
        break;
      case 'commaOrClose':
        if (c === ',') want = closer === '}' ? 'key' : 'value';
        else if (c === closer) {
          stack.pop();
          want = afterValue();
        } else return fail(i, `',' or '${closer}'`);
        i++;
        break;
      case 'end':
        return fail(i, EXPECTED.end);
    }
  }
}

/** The offset after the string that opens at `start`, or the error inside it. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return { offset: j, found: tokenAt(text, j), expected: 'an escape such as \\n (a string cannot hold a raw control character)' };
    if (c === 92) {
      const e = text[j + 1];
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) j += 5;
      else if (e !== undefined && ESCAPES.includes(e)) j++;
      else return { offset: j, found: quote(text.slice(j, j + 2)), expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)' };
    }
  }
  return { offset: text.length, found: 'end of input', expected: `the closing '"' of a string` };
}

function match(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The word (letters, digits) or single character at `at`, quoted and cut to a readable length. */
export function tokenAt(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const len = match(WORD, text, at) || (text.codePointAt(at)! > 0xffff ? 2 : 1);
  return quote(text.slice(at, at + len));
}

/** JSON-quoted (control characters escaped), shortened with an ellipsis. */
export function quote(s: string): string {
  const short = s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
  return JSON.stringify(short);
}

/** 1-based line and column of `offset` in an element that starts at `line`, column index `startCol` (0-based). */
export function positionIn(text: string, offset: number, line: number, startCol: number): { line: number; column: number } {
  let lines = 0;
  let lastNl = -1;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    lines++;
    lastNl = k;
  }
  return { line: line + lines, column: lines ? offset - lastNl : startCol + offset + 1 };
}

/**
 * The reason for an element that `JSON.parse` rejected: line and column in the file, and what was found
 * there. `line`/`startCol` say where the element's text starts in the file.
 */
export function invalidJsonReason(text: string, line: number, startCol: number, engineMessage: string): string {
  const at = locateJsonError(text);
  if (!at) return `invalid JSON: ${engineMessage}`;
  const pos = positionIn(text, at.offset, line, startCol);
  return `invalid JSON at line ${pos.line}, column ${pos.column}: found ${at.found} where ${at.expected} was expected`;
}
