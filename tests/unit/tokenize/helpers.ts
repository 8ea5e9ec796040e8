/** Shared loaders for the tokenization tests: fixture tokenizers (loaded once per file) and the XQuAD sample. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirSource } from '../../../scripts/lib/node-source.ts';
import type { QaExample } from '../../../src/data/types.ts';
import { loadTokenizer } from '../../../src/tokenize/load.ts';
import { UNICODE_TO_BYTE } from '../../../src/tokenize/segment.ts';
import type { StudioTokenizer, TextEncoding } from '../../../src/tokenize/types.ts';

export const TOKENIZERS = ['bert-base-uncased', 'roberta-base', 'koelectra-base-v1'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
export const TOKENIZER_DIR = join(FIXTURES, 'hf-reference/tokenizers');

const loaded = new Map<string, Promise<StudioTokenizer>>();
export function fixtureTokenizer(name: TokenizerName): Promise<StudioTokenizer> {
  if (!loaded.has(name)) loaded.set(name, loadTokenizer(dirSource(join(TOKENIZER_DIR, name))));
  return loaded.get(name)!;
}

export interface ExpectedEntry {
  kind: string;
  text: string;
  text_pair?: string;
  call: { truncation?: boolean | string; max_length?: number; padding?: string; add_special_tokens?: boolean };
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[] | null;
  attention_mask: number[];
  untruncated_input_ids: number[];
  untruncated_token_type_ids: number[] | null;
}

export interface Expected {
  special_token_ids: Record<string, number>;
  model_input_names: string[];
  entries: ExpectedEntry[];
  batch: { texts: string[]; call: { max_length: number }; input_ids: number[][]; token_type_ids: number[][] | null; attention_mask: number[][] };
}

export function expected(name: TokenizerName): Expected {
  return JSON.parse(readFileSync(join(TOKENIZER_DIR, name, 'expected.json'), 'utf8'));
}

/** Every distinct text of the fixture tables (singles and both sides of pairs). */
export function fixtureTexts(name: TokenizerName): string[] {
  const set = new Set<string>();
  for (const e of expected(name).entries) {
    set.add(e.text);
    if (e.text_pair !== undefined) set.add(e.text_pair);
  }
  return [...set];
}

let xquad: QaExample[] | null = null;
export function xquadExamples(): QaExample[] {
  xquad ??= readFileSync(join(FIXTURES, 'data/en_qa_xquad_en.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l);
      return { id: r.id, question: r.question, context: r.context, answers: { text: r.answers.text, answerStart: r.answers.answer_start } };
    });
  return xquad;
}

const utf8 = new TextEncoder();

/**
 * Checks that offsets point at the text each token came from. WordPiece / Unigram: the tokens sharing one
 * span, concatenated without `##`, equal the span's normalized text. Byte-level BPE: each token's bytes
 * occur in the span's UTF-8 bytes. Everywhere: spans are ordered and every character that survives
 * normalization is covered by some token. Returns a list of problems (empty = fine).
 */
export function offsetProblems(tok: StudioTokenizer, text: string, enc: Pick<TextEncoding, 'inputIds' | 'offsets'>): string[] {
  const problems: string[] = [];
  const p = tok.pipeline;
  const covered = new Uint8Array(text.length);
  let prevStart = 0;
  const n = enc.inputIds.length;
  for (let i = 0; i < n; ) {
    const span = enc.offsets[i];
    if (!span) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && enc.offsets[j] && enc.offsets[j]![0] === span[0] && enc.offsets[j]![1] === span[1]) j++;
    const [s, e] = span;
    const slice = text.slice(s, e);
    if (s < prevStart || e < s || e > text.length) problems.push(`token ${i}: span [${s}, ${e}) out of order`);
    prevStart = s;
    for (let c = s; c < e; c++) covered[c] = 1;
    const tokens = enc.inputIds.slice(i, j).map((id) => tok.idToToken(id) ?? '');
    const isSpecial = enc.inputIds.slice(i, j).some((id) => tok.specialIds.has(id) || id === tok.special.unk);
    if (!isSpecial && tokens.length) {
      if (p.byteLevel) {
        const hay = Buffer.from(utf8.encode(slice)).toString('hex');
        for (const t of tokens) {
          let bytes = Buffer.from([...t].map((ch) => UNICODE_TO_BYTE.get(ch)!));
          while (bytes.length && bytes[0] === 0x20 && !/^\s/.test(slice)) bytes = bytes.subarray(1);
          if (!hay.includes(bytes.toString('hex'))) problems.push(`token ${t} not inside ${JSON.stringify(slice)}`);
        }
      } else {
        const joined = tokens.map((t) => (p.subwordPrefix && t.startsWith(p.subwordPrefix) ? t.slice(p.subwordPrefix.length) : t)).join('');
        // Final sigma: 'Σ' alone lower-cases to 'σ', at a word's end in context to 'ς'.
        const want = p.normalize(slice).replace(/\s+/g, '').replace(/ς/g, 'σ');
        const got = (p.metaspace ? joined.split(p.metaspace).join('') : joined).replace(/ς/g, 'σ');
        if (got !== want) problems.push(`tokens ${tokens.join(' ')} ≠ ${JSON.stringify(slice)} (normalized ${JSON.stringify(want)})`);
      }
    }
    i = j;
  }
  for (let c = 0; c < text.length; c++) {
    if (covered[c]) continue;
    const cp = text.codePointAt(c)!;
    const ch = String.fromCodePoint(cp);
    if (cp > 0xffff && covered[c + 1]) continue;
    if (/\s/.test(ch) || (c > 0 && cp >= 0xdc00 && cp <= 0xdfff)) continue;
    if (!p.byteLevel && p.normalize(ch).trim() === '') continue; // dropped by the normalizer (controls, ZWJ)
    problems.push(`char ${c} ${JSON.stringify(ch)} is covered by no token`);
  }
  return problems;
}
