/**
 * Turns the gold and prediction JSONL rows of each task into the inputs of `src/metrics`, checking every
 * field on the way so that a bad row is reported as `file:line: what is wrong` instead of a wrong number.
 * Each task spec scores with its reader (`TaskSpec.scoreFiles`, what `npm run eval` prints); reading the
 * files themselves is the CLI's (scripts/lib/jsonl.ts).
 */
import type { MultilabelInput, QaGold } from '../metrics/index';
import { comparePyStrings, type Label } from '../metrics/python';

/** Bad input data (as opposed to a bad command line): the CLI exits with status 1. */
export class InputError extends Error {
  override name = 'InputError';
}

export interface JsonlRow {
  /** 1-based line number in the file */
  line: number;
  value: Record<string, unknown>;
}

/** `file:line: message`, the form editors and terminals turn into links. */
export function at(file: string, line: number, message: string): InputError {
  return new InputError(`${file}:${line}: ${message}`);
}

export interface Files {
  goldFile: string;
  predFile: string;
  gold: JsonlRow[];
  pred: JsonlRow[];
}

/** Predictions are read line by line against gold rows, so the counts must agree. */
export function checkSameRowCount({ goldFile, predFile, gold, pred }: Files): void {
  if (gold.length !== pred.length) {
    throw new InputError(`${predFile}: ${pred.length} prediction rows but ${goldFile} has ${gold.length} gold rows (one prediction per gold row, same order)`);
  }
}

function field(file: string, row: JsonlRow, key: string): unknown {
  if (!(key in row.value)) throw at(file, row.line, `missing field "${key}"`);
  return row.value[key];
}

function stringArray(file: string, row: JsonlRow, value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw at(file, row.line, `${what} must be an array of strings`);
  }
  return value as string[];
}

function label(file: string, row: JsonlRow, value: unknown): Label {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw at(file, row.line, `"label" must be a string or a number, got ${JSON.stringify(value)}`);
}

export function classificationInputs(files: Files): { gold: Label[]; pred: Label[] } {
  checkSameRowCount(files);
  const gold = files.gold.map((row) => label(files.goldFile, row, field(files.goldFile, row, 'label')));
  const pred = files.pred.map((row) => label(files.predFile, row, field(files.predFile, row, 'label')));
  // Python cannot sort ints and strings together; say where the odd one is rather than failing later.
  const kind = typeof gold[0];
  const check = (labels: Label[], rows: JsonlRow[], file: string) =>
    labels.forEach((l, i) => {
      if (typeof l !== kind) throw at(file, rows[i].line, `"label" is a ${typeof l} but the first gold label is a ${kind}`);
    });
  check(gold, files.gold, files.goldFile);
  check(pred, files.pred, files.predFile);
  return { gold, pred };
}

export function multilabelInputs(files: Files, warn: (message: string) => void): MultilabelInput {
  checkSameRowCount(files);
  const { goldFile, predFile } = files;
  let labels: string[] | null = null;
  const scores: number[][] = [];
  const pred = files.pred.map((row) => {
    const raw = field(predFile, row, 'scores');
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw at(predFile, row.line, '"scores" must be an object {label: score}');
    const entries = Object.entries(raw as Record<string, unknown>);
    const keys = entries.map(([k]) => k).sort(comparePyStrings);
    if (keys.length === 0) throw at(predFile, row.line, '"scores" is empty');
    if (labels === null) labels = keys;
    else if (keys.join('\u0000') !== labels.join('\u0000')) throw at(predFile, row.line, '"scores" has other keys than the first row (the model\'s label set must be the same on every row)');
    const byKey = new Map(entries);
    scores.push(
      labels.map((k) => {
        const s = byKey.get(k);
        if (typeof s !== 'number' || !Number.isFinite(s)) throw at(predFile, row.line, `score of "${k}" must be a finite number`);
        return s;
      }),
    );
    const names = stringArray(predFile, row, field(predFile, row, 'labels'), '"labels"');
    for (const name of names) if (!byKey.has(name)) throw at(predFile, row.line, `predicted label "${name}" is not a key of "scores"`);
    return names;
  });
  const known = new Set(labels!);
  const gold = files.gold.map((row) => {
    const names = stringArray(goldFile, row, field(goldFile, row, 'labels'), '"labels"');
    // MultiLabelBinarizer(classes=...) drops unknown classes with a warning; so do we.
    for (const name of names) if (!known.has(name)) warn(`${goldFile}:${row.line}: gold label "${name}" is not in the model's label set; ignored`);
    return names;
  });
  return { labels: labels!, gold, pred, scores };
}

export function qaInputs(files: Files): { gold: QaGold[]; predictions: Map<string, string> } {
  checkSameRowCount(files);
  const { goldFile, predFile } = files;
  const gold = files.gold.map((row) => {
    const id = field(goldFile, row, 'id');
    if (typeof id !== 'string') throw at(goldFile, row.line, '"id" must be a string');
    const answers = field(goldFile, row, 'answers') as { text?: unknown } | null;
    if (answers === null || typeof answers !== 'object') throw at(goldFile, row.line, '"answers" must be an object {text: [...], answer_start: [...]}');
    return { id, answers: stringArray(goldFile, row, answers.text, '"answers.text"') };
  });
  const goldIds = new Set(gold.map((g) => g.id));
  const predictions = new Map<string, string>();
  for (const row of files.pred) {
    const id = field(predFile, row, 'id');
    const text = field(predFile, row, 'prediction_text');
    if (typeof id !== 'string') throw at(predFile, row.line, '"id" must be a string');
    if (typeof text !== 'string') throw at(predFile, row.line, '"prediction_text" must be a string');
    if (!goldIds.has(id)) throw at(predFile, row.line, `id "${id}" is not in ${goldFile}`);
    if (predictions.has(id)) throw at(predFile, row.line, `id "${id}" is predicted twice`);
    predictions.set(id, text);
  }
  return { gold, predictions };
}

/** Strict IOB2 rejects other prefixes (seqeval raises); report the row instead of a bare exception. */
function checkIob2(file: string, row: JsonlRow, tags: string[]): void {
  tags.forEach((tag, i) => {
    if (tag === '') throw at(file, row.line, `tag ${i} is empty`);
    if (!'BIO'.includes(tag[0])) throw at(file, row.line, `tag ${i} "${tag}" is not IOB2 (B-…, I-… or O)`);
  });
}

export function nerInputs(files: Files): { gold: string[][]; pred: string[][] } {
  checkSameRowCount(files);
  const { goldFile, predFile } = files;
  const gold = files.gold.map((row) => {
    const tokens = stringArray(goldFile, row, field(goldFile, row, 'tokens'), '"tokens"');
    const tags = stringArray(goldFile, row, field(goldFile, row, 'ner_tags'), '"ner_tags"');
    if (tags.length !== tokens.length) throw at(goldFile, row.line, `${tokens.length} tokens but ${tags.length} ner_tags`);
    checkIob2(goldFile, row, tags);
    return tags;
  });
  const pred = files.pred.map((row, i) => {
    const tags = stringArray(predFile, row, field(predFile, row, 'tags'), '"tags"');
    if (tags.length !== gold[i].length) throw at(predFile, row.line, `${tags.length} tags but gold row ${files.gold[i].line} has ${gold[i].length} tokens`);
    checkIob2(predFile, row, tags);
    return tags;
  });
  return { gold, pred };
}
