/**
 * Masked-LM inputs from unlabeled text, as transformers' `run_mlm.py` builds them:
 *   - `groupBlocks` (its default, `group_texts`): every document's tokens concatenated and cut into blocks of
 *     `maxLength − 2` content tokens, each wrapped in [CLS] … [SEP] (the tokenizer's own specials); a remainder
 *     shorter than a block is dropped, as `group_texts` drops it, unless it is all there is;
 *   - `lineBlocks` (`--line_by_line`): one block per non-empty document, truncated to `maxLength`.
 * Blocks are unpadded id lists plus which positions are special (never masked, never predicted); packing to a
 * fixed length (padding with the pad id) is the feature layer's job. Pure: no tokenizer here, ids in.
 */

export interface MlmSpecials {
  /** [CLS] / <s>. */
  bos: number;
  /** [SEP] / </s>. */
  eos: number;
}

export interface MlmBlock {
  ids: number[];
  /** true where ids[i] is a special token (added here). */
  special: boolean[];
}

function wrap(content: number[], s: MlmSpecials): MlmBlock {
  return { ids: [s.bos, ...content, s.eos], special: [true, ...content.map(() => false), true] };
}

/** `group_texts`: documents' content ids (no specials) → blocks of `maxLength` tokens with specials. */
export function groupBlocks(docs: readonly (readonly number[])[], maxLength: number, specials: MlmSpecials): MlmBlock[] {
  const size = maxLength - 2;
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`groupBlocks: max length ${maxLength} leaves no room between the special tokens`);
  const all: number[] = [];
  for (const d of docs) for (const id of d) all.push(id);
  if (all.length === 0) return [];
  const usable = all.length >= size ? Math.floor(all.length / size) * size : all.length;
  const blocks: MlmBlock[] = [];
  for (let i = 0; i < usable; i += size) blocks.push(wrap(all.slice(i, i + size), specials));
  return blocks;
}

/** `--line_by_line`: one block per non-empty document, content truncated to `maxLength − 2`. */
export function lineBlocks(docs: readonly (readonly number[])[], maxLength: number, specials: MlmSpecials): MlmBlock[] {
  const size = maxLength - 2;
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`lineBlocks: max length ${maxLength} leaves no room between the special tokens`);
  return docs.filter((d) => d.length > 0).map((d) => wrap(d.slice(0, size), specials));
}
