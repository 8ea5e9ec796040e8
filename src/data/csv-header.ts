/**
 * Whether a CSV/TSV file's first row is a header. Exported datasets often drop it (GLUE's SST-2 test files,
 * NSMC dumps, `df.to_csv(header=False)`), and taking a data row for column names loses that row and leaves
 * the columns named after one review. The test is conservative: a first row is data only when a column gives
 * evidence that a name would not: a number where the rows below hold numbers, or a value that recurs below it
 * (labels do, names do not); or a sentence, when no field of the row could be a name (a survey may name a
 * column by its question, but not every column). A row with a short, name-like, unique field stays a header.
 */

/** The first rows looked at, after the first. */
export const HEADER_SAMPLE = 50;

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
/** Longer than any sensible column name, or a sentence of several words. */
const isSentence = (s: string) => s.length > 60 || s.trim().split(/\s+/).length >= 6;

/**
 * Why `first` reads as data rather than column names, or null when it reads as a header (or there is not
 * enough to tell). `rest` are the rows after it; only those with its number of fields are compared.
 */
export function headerlessReason(first: readonly string[], rest: readonly (readonly string[])[]): string | null {
  const rows = rest.filter((r) => r.length === first.length);
  if (!rows.length) return null;
  // The same row again below (files concatenated with their headers): a header, however it looks.
  if (rows.some((r) => r.every((v, j) => v === first[j]))) return null;
  const numericNames = numberedColumns(first);
  const columns = first.map((_, j) => rows.map((r) => r[j].trim()));
  for (let j = 0; j < first.length; j++) {
    const v = first[j].trim();
    if (v === '' || (numericNames && NUMBER.test(v))) continue;
    const below = columns[j];
    if (NUMBER.test(v) && share(below, (b) => NUMBER.test(b)) >= 0.8) {
      return `column ${j + 1} starts with the number ${show(v)}, and the rows below hold numbers there too`;
    }
    if (below.includes(v) && isLabelLike(below)) {
      return `column ${j + 1}'s first value ${show(v)} recurs in the rows below, as labels do and column names do not`;
    }
  }
  // A sentence can head a column (survey exports name columns by their question), so text alone says data
  // only when no field of the row could be a name.
  if (first.some((v, j) => isNameLike(v.trim(), columns[j]))) return null;
  const j = first.findIndex((v, k) => isSentence(v.trim()) && share(columns[k], isSentence) >= 0.5);
  return j < 0 ? null : `column ${j + 1} starts with text, not a name: ${show(first[j].trim())}`;
}

/** Short, a few words, not a number and not a value of its column: what a column name looks like. */
function isNameLike(v: string, below: readonly string[]): boolean {
  return v !== '' && v.length <= 30 && v.split(/\s+/).length <= 3 && !NUMBER.test(v) && !below.includes(v);
}

/** The names a file without a header gets: column_1, column_2, ... */
export function generatedNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `column_${i + 1}`);
}

/**
 * Column names from a header row: trimmed, an empty one named by its position, a repeated one suffixed `_2`,
 * `_3`, ... Each renaming comes with a note, since the user will look for the name the file gives.
 */
export function headerNames(fields: readonly string[], line: number): { names: string[]; notes: string[] } {
  const seen = new Set<string>();
  const notes: string[] = [];
  const names = fields.map((raw, i) => {
    const given = raw.trim();
    let name = given || `column_${i + 1}`;
    for (let k = 2; seen.has(name); k++) name = `${given || `column_${i + 1}`}_${k}`;
    seen.add(name);
    if (!given) notes.push(`column ${i + 1} has no name in the header (line ${line}): it is read as "${name}"`);
    else if (name !== given) notes.push(`column ${i + 1}'s name ${show(given)} is used by an earlier column in the header (line ${line}): it is read as ${show(name)}`);
    return name;
  });
  return { names, notes };
}

/** pandas writes a default integer header `0,1,2`; one-hot files may name classes by number too. */
function numberedColumns(first: readonly string[]): boolean {
  const nums = first.map((v) => v.trim()).filter((v) => NUMBER.test(v)).map(Number);
  return nums.length >= 2 && nums.every((x, k) => Number.isInteger(x) && (k === 0 || x === nums[k - 1] + 1));
}

/** Few distinct values for many rows: a label column, not free text or ids. */
function isLabelLike(values: readonly string[]): boolean {
  return new Set(values).size <= Math.max(2, Math.ceil(values.length / 2));
}

function share(values: readonly string[], test: (v: string) => boolean): number {
  return values.filter(test).length / values.length;
}

function show(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
