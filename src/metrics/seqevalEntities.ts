/**
 * Entity (chunk) extraction as seqeval 1.2.2 does it, in its two modes.
 *
 * Default mode (`get_entities`, conlleval-compatible) is lenient: `I-X` after `O` or after another type
 * starts an entity, and a type change (`B-X I-Y`) splits one. Strict IOB2 mode (`Entities(..., IOB2)`) only
 * accepts `B-X I-X*`; an orphan `I-X` belongs to no entity, which is why strict scores are lower for
 * models that emit `I-` starts.
 */
import { comparePyStrings } from './python.ts';

export interface Entity {
  type: string;
  /** first token, counted over all sentences (default mode) or within the sentence (strict) */
  start: number;
  /** last token (default mode, inclusive) or one past it (strict, exclusive), as seqeval stores them */
  end: number;
  /** sentence index; -1 in default mode, whose offsets already run over the flattened corpus */
  sentence: number;
}

/** Python's `s[0]` and `s[1:]` on code points. */
function splitFirstChar(chunk: string): [string, string] {
  if (chunk.length === 0) throw new Error('seqeval: empty tag');
  const first = String.fromCodePoint(chunk.codePointAt(0)!);
  return [first, chunk.slice(first.length)];
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/**
 * `get_entities(y)` for a list of sentences: they are joined with an `O` after each, so offsets are global
 * and no entity crosses a sentence boundary.
 */
export function defaultModeEntities(sentences: readonly (readonly string[])[]): Entity[] {
  const flat: string[] = sentences.flatMap((s) => [...s, 'O']);
  flat.push('O');
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  const chunks: Entity[] = [];
  flat.forEach((chunk, i) => {
    const [tag, rest] = splitFirstChar(chunk);
    // `chunk[1:].split('-', maxsplit=1)[-1] or '_'`: the text after the first '-', else all of it.
    const dash = rest.indexOf('-');
    const type = (dash === -1 ? rest : rest.slice(dash + 1)) || '_';
    if (endOfChunk(prevTag, tag, prevType, type)) chunks.push({ type: prevType, start: begin, end: i - 1, sentence: -1 });
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  });
  return chunks;
}

interface Iob2Token {
  prefix: 'B' | 'I' | 'O';
  tag: string;
}

/** `str.strip('-')`. */
function stripDashes(s: string): string {
  return s.replace(/^-+|-+$/g, '');
}

function parseIob2(token: string): Iob2Token {
  const [prefix, rest] = splitFirstChar(token);
  if (prefix !== 'B' && prefix !== 'I' && prefix !== 'O') {
    throw new Error(`Invalid token is found: ${token}. Allowed prefixes are: I|O|B.`);
  }
  return { prefix, tag: stripDashes(rest) || '_' };
}

/** `Tokens(sentence, IOB2).entities` for each sentence: `B-X` then `I-X`s; the end is exclusive. */
export function strictIob2Entities(sentences: readonly (readonly string[])[]): Entity[] {
  const entities: Entity[] = [];
  sentences.forEach((sentence, sentenceIndex) => {
    const tokens = [...sentence.map(parseIob2), { prefix: 'O', tag: '_' } as Iob2Token];
    let i = 0;
    while (i < tokens.length) {
      if (tokens[i].prefix !== 'B') {
        i += 1;
        continue;
      }
      let end = i + 1;
      while (tokens[end].prefix === 'I' && tokens[end].tag === tokens[i].tag) end += 1;
      // seqeval's end check always holds here: what stops the loop is O, B or an I of another type.
      entities.push({ type: tokens[i].tag, start: i, end, sentence: sentenceIndex });
      i = end;
    }
  });
  return entities;
}

/** Entities grouped by type, each a set of position keys, with the types in Python's sorted order. */
export function groupByType(entities: readonly Entity[]): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const e of entities) {
    if (!byType.has(e.type)) byType.set(e.type, new Set());
    byType.get(e.type)!.add(`${e.sentence}:${e.start}:${e.end}`);
  }
  return new Map([...byType].sort(([a], [b]) => comparePyStrings(a, b)));
}
