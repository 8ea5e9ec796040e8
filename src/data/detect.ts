import type { Task } from './types.ts';
import type { Row } from './records.ts';
import { columnsOf, mostly, profileColumns, type ColumnProfile } from './profile.ts';

/** Which column plays which role. Only the roles of the detected task are set. */
export interface ColumnMapping {
  text?: string;
  text_pair?: string;
  label?: string;
  /** Multi-label: a list of label names or ids per row (`["a","b"]`, `[3, 17]`). */
  labels?: string;
  /** Multi-label: a 0/1 vector per row (`[1,0,1]`); class names are the positions. */
  labels_vector?: string;
  /** Multi-label: one 0/1 column per class (UnSmile-style TSV); class names are the column names. */
  label_columns?: string[];
  question?: string;
  context?: string;
  /** QA: `{text: [...], answer_start: [...]}` or SQuAD's `[{text, answer_start}]`. */
  answers?: string;
  answer_text?: string;
  answer_start?: string;
  id?: string;
  tokens?: string;
  tags?: string;
}

export interface Detection {
  task: Task;
  columns: ColumnMapping;
}

export interface DetectOverride {
  task?: Task | 'auto';
  /** The user's choices in the column-mapping panel; they win over detection. */
  columns?: Partial<ColumnMapping>;
}

export class DetectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetectionError';
  }
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');
const TEXT = ['text', 'sentence', 'document', 'review', 'comment', 'commenttext', 'content', 'body', 'tweet', 'utterance', 'input', 'texta', '문장', '내용', '리뷰', '댓글', '텍스트'];
const LABEL = ['label', 'class', 'category', 'target', 'sentiment', 'goldlabel', 'y', 'intent', 'emotion', 'topic', 'hate', 'labels', '라벨', '레이블', '정답', '분류'];
/** Names that say "one label per row" even when the values are 0/1. */
const STRONG_LABEL = ['label', 'labels', 'class', 'target', 'goldlabel', 'y'];
const LIST_LABEL = ['labels', 'label', 'categories', 'classes', 'emotions', 'targets', 'tags', 'topics'];
const PAIRS: [string, string][] = [
  ['text', 'textpair'], ['texta', 'textb'], ['text1', 'text2'], ['sentence1', 'sentence2'], ['premise', 'hypothesis'],
  ['question', 'sentence'], ['question1', 'question2'], ['sentencea', 'sentenceb'], ['question', 'passage'], ['query', 'passage'],
  ['문장1', '문장2'],
];
const QUESTION = ['question', 'query', 'q', '질문'];
const CONTEXT = ['context', 'paragraph', 'passage', 'document', '지문', 'text'];
const ANSWERS = ['answers', 'answer'];
const ANSWER_TEXT = ['answertext', 'answer', 'answers', 'answerstext'];
const ANSWER_START = ['answerstart', 'answerstartchar', 'start', 'answersanswerstart'];
const ID = ['id', 'qid', 'guid', 'questionid', 'uid'];
const TOKENS = ['tokens', 'words', 'token', 'word', 'form'];
const TAGS = ['nertags', 'tags', 'ner', 'labels', 'nerlabels', 'tag', 'label', 'entities'];

/** First column (in the order of `names`) whose normalized name is listed and whose profile passes `ok`. */
function byName(names: string[], profiles: Map<string, ColumnProfile>, ok: (p: ColumnProfile) => boolean, not: string[] = []) {
  for (const want of names) {
    for (const p of profiles.values()) if (norm(p.name) === want && !not.includes(p.name) && ok(p)) return p.name;
  }
  return undefined;
}

const isText = (p: ColumnProfile) => mostly(p.strings, p) && !mostly(p.numeric, p);
const isLabel = (p: ColumnProfile) => mostly(p.strings + p.ints, p) && p.objects === 0;
const isStringList = (p: ColumnProfile) => mostly(p.stringLists + p.numberLists, p) && p.stringLists > 0;
const isList = (p: ColumnProfile) => mostly(p.stringLists + p.numberLists, p);

/** The longest-text string column, for files whose text column has an unknown name. */
function longestText(profiles: Map<string, ColumnProfile>, not: string[]): string | undefined {
  let best: ColumnProfile | undefined;
  for (const p of profiles.values()) if (!not.includes(p.name) && isText(p) && (!best || p.meanLength > best.meanLength)) best = p;
  return best?.name;
}

/** The fewest-values scalar column: a label column with an unknown name. */
function fewestValues(profiles: Map<string, ColumnProfile>, not: string[], rows: number): string | undefined {
  let best: ColumnProfile | undefined;
  for (const p of profiles.values()) {
    if (not.includes(p.name) || !isLabel(p) || p.distinct < 2 || p.distinct > Math.max(2, Math.min(200, rows / 2))) continue;
    if (!best || p.distinct < best.distinct) best = p;
  }
  return best?.name;
}

function mappingFor(task: Task, profiles: Map<string, ColumnProfile>, rows: number): ColumnMapping | null {
  switch (task) {
    case 'qa': {
      const question = byName(QUESTION, profiles, isText);
      const context = byName(CONTEXT, profiles, isText, question ? [question] : []);
      if (!question || !context) return null;
      const id = byName(ID, profiles, (p) => p.present > 0);
      const structured = (p: ColumnProfile) => p.objects + p.objectLists > 0;
      const answers = byName(ANSWERS, profiles, (p) => mostly(p.objects + p.objectLists, p) || isList(p));
      if (answers && (structured(profiles.get(answers)!) || !byName(ANSWER_START, profiles, () => true))) {
        return { question, context, answers, ...(id ? { id } : {}) };
      }
      const answer_start = byName(ANSWER_START, profiles, (p) => p.present > 0);
      const answer_text = byName(ANSWER_TEXT, profiles, (p) => p.present > 0, answer_start ? [answer_start] : []);
      if (!answer_start || !answer_text) return null;
      return { question, context, answer_text, answer_start, ...(id ? { id } : {}) };
    }
    case 'ner': {
      const tokens = byName(TOKENS, profiles, isStringList) ?? [...profiles.values()].find(isStringList)?.name;
      if (!tokens) return null;
      const lens = profiles.get(tokens)!.listLengths;
      const aligned = (p: ColumnProfile) =>
        isList(p) && mostly(p.listLengths.filter((n, i) => n === lens[i]).length, p);
      const tags = byName(TAGS, profiles, aligned, [tokens]) ?? [...profiles.values()].find((p) => p.name !== tokens && aligned(p))?.name;
      return tags ? { tokens, tags } : null;
    }
    case 'pair': {
      for (const [a, b] of PAIRS) {
        const text = byName([a], profiles, isText);
        const text_pair = byName([b], profiles, isText, text ? [text] : []);
        if (!text || !text_pair) continue;
        const label = byName(LABEL, profiles, isLabel, [text, text_pair]) ?? fewestValues(profiles, [text, text_pair], rows);
        if (label) return { text, text_pair, label };
      }
      return null;
    }
    case 'multilabel': {
      const text = byName(TEXT, profiles, isText) ?? longestText(profiles, []);
      if (!text) return null;
      const list = byName(LIST_LABEL, profiles, isList, [text]) ?? [...profiles.values()].find((p) => p.name !== text && isList(p))?.name;
      if (list) {
        const p = profiles.get(list)!;
        // [1,0,1] is a 0/1 vector only when every sampled list has the same length; [3, 17] are label ids.
        const lengths = new Set(p.listLengths.filter((n) => !Number.isNaN(n)));
        return p.binaryLists === p.present && lengths.size === 1 && [...lengths][0] >= 2 ? { text, labels_vector: list } : { text, labels: list };
      }
      const label_columns = [...profiles.values()].filter((p) => p.name !== text && p.present > 0 && p.binary === p.present).map((p) => p.name);
      return label_columns.length >= 2 ? { text, label_columns } : null;
    }
    case 'classification': {
      const text = byName(TEXT, profiles, isText) ?? longestText(profiles, []);
      if (!text) return null;
      const label = byName(LABEL, profiles, isLabel, [text]) ?? fewestValues(profiles, [text], rows);
      return label ? { text, label } : null;
    }
  }
}

/**
 * Task and column roles from the column names and a sample of rows. The order of the checks is the order
 * of specificity: QA and NER have unmistakable shapes; a pair needs two known text names; multi-label needs
 * a list or several 0/1 columns (and no column named like a single label); the rest is classification.
 */
export function detectTask(columns: readonly string[], sampleRows: readonly Row[], override: DetectOverride = {}): Detection {
  const names = columns.length ? [...columns] : columnsOf(sampleRows);
  const profiles = profileColumns(names, sampleRows);
  const forced = override.task && override.task !== 'auto' ? override.task : undefined;
  let detection: Detection | null = null;
  if (forced) {
    const m = mappingFor(forced, profiles, sampleRows.length);
    detection = { task: forced, columns: m ?? {} };
  } else {
    // A `label` column (even with 0/1 values) or a non-binary `sentiment`-like one means one label per row;
    // a 0/1 column named `hate` may well be one class of a one-hot multi-label file.
    const hasSingleLabel = !!byName(STRONG_LABEL, profiles, isLabel) || !!byName(LABEL, profiles, (p) => isLabel(p) && p.binary < p.present);
    const order: Task[] = hasSingleLabel ? ['qa', 'ner', 'pair', 'multilabel', 'classification'] : ['qa', 'ner', 'multilabel', 'pair', 'classification'];
    for (const task of order) {
      if (task === 'multilabel' && hasSingleLabel && !byName(LIST_LABEL, profiles, isList)) continue;
      const m = mappingFor(task, profiles, sampleRows.length);
      if (m) {
        detection = { task, columns: m };
        break;
      }
    }
  }
  const user = Object.fromEntries(Object.entries(override.columns ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  if (!detection) {
    if (!Object.keys(user).length) {
      throw new DetectionError(
        `cannot tell the task from the columns (${names.join(', ') || 'none'}): expected text/label, a sentence pair, ` +
          'a list of labels, question/context/answers or tokens/ner_tags; choose the columns by hand',
      );
    }
    detection = { task: forced ?? 'classification', columns: {} };
  }
  const merged: ColumnMapping = { ...detection.columns, ...user };
  for (const [role, col] of Object.entries(merged)) {
    for (const c of Array.isArray(col) ? col : [col]) {
      if (!names.includes(c)) throw new DetectionError(`column "${c}" chosen as ${role} is not in the file (columns: ${names.join(', ')})`);
    }
  }
  const missing = requiredRoles(detection.task, merged);
  if (missing) throw new DetectionError(`task ${detection.task} needs ${missing}; columns: ${names.join(', ')}`);
  return { task: detection.task, columns: merged };
}

/** What a task cannot do without; null when the mapping is complete. */
export function requiredRoles(task: Task, m: ColumnMapping): string | null {
  switch (task) {
    case 'classification':
      return m.text && m.label ? null : 'a text column and a label column';
    case 'pair':
      return m.text && m.text_pair && m.label ? null : 'two text columns and a label column';
    case 'multilabel':
      return m.text && (m.labels || m.labels_vector || m.label_columns?.length) ? null : 'a text column and a label list or 0/1 label columns';
    case 'qa':
      return m.question && m.context && (m.answers || (m.answer_text && m.answer_start)) ? null : 'question, context and answers (or answer_text + answer_start) columns';
    case 'ner':
      return m.tokens && m.tags ? null : 'a tokens column and a tags column';
  }
}
