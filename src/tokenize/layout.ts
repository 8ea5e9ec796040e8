/**
 * Special-token layout (`[CLS] A [SEP] B [SEP]`, `<s> A </s></s> B </s>`) read from tokenizer.json's
 * post_processor. We assemble sequences ourselves instead of calling the library's post-processor because
 * truncation has to happen *between* tokenization and adding special tokens (HF keeps the special tokens).
 */
import type { Layout, SegmentEncoding, Span, TemplatePart } from './types.ts';

type Json = Record<string, any>;

/** Resolves a token string to its id; throws with the token's name when the vocabulary lacks it. */
export type IdOf = (token: string) => number | undefined;

export function layoutFromPostProcessor(pp: Json | null | undefined, idOf: IdOf): Layout {
  if (!pp) return { single: [seq(0, 0)], pair: [seq(0, 0), seq(1, 1)] };
  switch (pp.type) {
    case 'TemplateProcessing':
      return { single: template(pp.single, pp.special_tokens, idOf), pair: template(pp.pair, pp.special_tokens, idOf) };
    case 'BertProcessing': {
      const cls = pairId(pp.cls, idOf);
      const sep = pairId(pp.sep, idOf);
      return {
        single: [sp(cls, 0), seq(0, 0), sp(sep, 0)],
        pair: [sp(cls, 0), seq(0, 0), sp(sep, 0), seq(1, 1), sp(sep, 1)],
      };
    }
    case 'RobertaProcessing': {
      // Rust's RobertaProcessing gives segment B type id 1, but RoBERTa-family models take no type ids.
      const cls = pairId(pp.cls, idOf);
      const sep = pairId(pp.sep, idOf);
      return {
        single: [sp(cls, 0), seq(0, 0), sp(sep, 0)],
        pair: [sp(cls, 0), seq(0, 0), sp(sep, 0), sp(sep, 0), seq(1, 1), sp(sep, 1)],
      };
    }
    case 'Sequence': {
      // e.g. [ByteLevel (offsets only), TemplateProcessing]: the one that places special tokens wins.
      for (const p of pp.processors ?? []) {
        if (p && p.type !== 'ByteLevel') return layoutFromPostProcessor(p, idOf);
      }
      return layoutFromPostProcessor(null, idOf);
    }
    default:
      return layoutFromPostProcessor(null, idOf);
  }
}

function template(items: Json[], specials: Json | undefined, idOf: IdOf): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const item of items ?? []) {
    if ('SpecialToken' in item) {
      const { id, type_id } = item.SpecialToken;
      const ids: number[] | undefined = specials?.[id]?.ids;
      if (ids && ids.length > 0) for (const i of ids) out.push(sp(i, type_id ?? 0));
      else out.push(sp(required(idOf, id), type_id ?? 0));
    } else if ('Sequence' in item) {
      out.push(seq(item.Sequence.id === 'B' ? 1 : 0, item.Sequence.type_id ?? 0));
    }
  }
  return out;
}

function pairId(p: unknown, idOf: IdOf): number {
  // tokenizer.json stores [token, id]; trust the id, it is what the library emits.
  if (Array.isArray(p) && typeof p[1] === 'number') return p[1];
  if (Array.isArray(p) && typeof p[0] === 'string') return required(idOf, p[0]);
  throw new Error(`post_processor: cannot read special token ${JSON.stringify(p)}`);
}

function required(idOf: IdOf, token: string): number {
  const id = idOf(token);
  if (id === undefined) throw new Error(`post_processor names special token ${token}, which is not in the vocabulary`);
  return id;
}

const sp = (id: number, typeId: number): TemplatePart => ({ kind: 'special', id, typeId });
const seq = (s: 0 | 1, typeId: number): TemplatePart => ({ kind: 'sequence', seq: s, typeId });

export function numSpecialTokens(layout: Layout, pair: boolean): number {
  return (pair ? layout.pair : layout.single).filter((p) => p.kind === 'special').length;
}

export interface Assembled {
  inputIds: number[];
  typeIds: number[];
  offsets: (Span | null)[];
  sequenceIds: (0 | 1 | null)[];
}

/** Places (already truncated) segments into the template; without special tokens just concatenates. */
export function assemble(
  layout: Layout,
  a: SegmentEncoding,
  b: SegmentEncoding | null,
  addSpecialTokens: boolean,
): Assembled {
  const out: Assembled = { inputIds: [], typeIds: [], offsets: [], sequenceIds: [] };
  const parts = b ? layout.pair : layout.single;
  for (const part of parts) {
    if (part.kind === 'special') {
      if (!addSpecialTokens) continue;
      out.inputIds.push(part.id);
      out.typeIds.push(part.typeId);
      out.offsets.push(null);
      out.sequenceIds.push(null);
      continue;
    }
    const segment = part.seq === 0 ? a : b;
    if (!segment) continue;
    for (let i = 0; i < segment.ids.length; i++) {
      out.inputIds.push(segment.ids[i]);
      out.typeIds.push(part.typeId);
      out.offsets.push(segment.offsets[i]);
      out.sequenceIds.push(part.seq);
    }
  }
  // A template without a B slot (rare) still must not drop the pair's tokens.
  if (b && !parts.some((p) => p.kind === 'sequence' && p.seq === 1)) {
    for (let i = 0; i < b.ids.length; i++) {
      out.inputIds.push(b.ids[i]);
      out.typeIds.push(1);
      out.offsets.push(b.offsets[i]);
      out.sequenceIds.push(1);
    }
  }
  return out;
}
