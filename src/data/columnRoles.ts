/**
 * Column roles from column names and sampled values, one function per task (the task specs in src/tasks call
 * them); data/detect.ts tries them in the specs' order.
 */
import type { ColumnMapping } from './detect.ts';
import { mostly, type ColumnProfile } from './profile.ts';

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

/** A `label` column (even with 0/1 values) or a non-binary `sentiment`-like one means one label per row. */
export function hasSingleLabelColumn(profiles: Map<string, ColumnProfile>): boolean {
  return !!byName(STRONG_LABEL, profiles, isLabel) || !!byName(LABEL, profiles, (p) => isLabel(p) && p.binary < p.present);
}

/** A list-valued column named like labels. */
export const hasLabelListColumn = (profiles: Map<string, ColumnProfile>): boolean => !!byName(LIST_LABEL, profiles, isList);

/** Question + context + answers (structured, or answer text + start columns). */
export function qaColumns(profiles: Map<string, ColumnProfile>): ColumnMapping | null {
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

/** A list-of-words column and a tag list of the same lengths. */
export function nerColumns(profiles: Map<string, ColumnProfile>): ColumnMapping | null {
  const tokens = byName(TOKENS, profiles, isStringList) ?? [...profiles.values()].find(isStringList)?.name;
  if (!tokens) return null;
  const lens = profiles.get(tokens)!.listLengths;
  const aligned = (p: ColumnProfile) =>
    isList(p) && mostly(p.listLengths.filter((n, i) => n === lens[i]).length, p);
  const tags = byName(TAGS, profiles, aligned, [tokens]) ?? [...profiles.values()].find((p) => p.name !== tokens && aligned(p))?.name;
  return tags ? { tokens, tags } : null;
}

/** Two texts named as a known pair, and a label. */
export function pairColumns(profiles: Map<string, ColumnProfile>, rows: number): ColumnMapping | null {
  for (const [a, b] of PAIRS) {
    const text = byName([a], profiles, isText);
    const text_pair = byName([b], profiles, isText, text ? [text] : []);
    if (!text || !text_pair) continue;
    const label = byName(LABEL, profiles, isLabel, [text, text_pair]) ?? fewestValues(profiles, [text, text_pair], rows);
    if (label) return { text, text_pair, label };
  }
  return null;
}

/** A text and a label list, a 0/1 vector, or several 0/1 columns. */
export function multilabelColumns(profiles: Map<string, ColumnProfile>): ColumnMapping | null {
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

/** A text and a label (or the fewest-values column). */
export function classificationColumns(profiles: Map<string, ColumnProfile>, rows: number): ColumnMapping | null {
  const text = byName(TEXT, profiles, isText) ?? longestText(profiles, []);
  if (!text) return null;
  const label = byName(LABEL, profiles, isLabel, [text]) ?? fewestValues(profiles, [text], rows);
  return label ? { text, label } : null;
}

/** Unlabeled text (masked LM): a text column, named as one or the longest. Tried last, so a label anywhere wins. */
export function mlmColumns(profiles: Map<string, ColumnProfile>): ColumnMapping | null {
  const text = byName(TEXT, profiles, isText) ?? longestText(profiles, []);
  return text ? { text } : null;
}
