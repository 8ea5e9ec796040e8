/**
 * Added tokens (`[CLS]`, `<mask>`, user-added words) split out of a text before normalization, the way
 * `@huggingface/tokenizers` does it (greedy longest match from the left, then lstrip/rstrip eat the
 * neighbours' whitespace), but keeping positions so every section knows where it sits in the text.
 */
import type { AddedTokenSpec, TrieNode } from './types.ts';

export interface Section {
  start: number;
  end: number;
  added: AddedTokenSpec | null;
}

export function buildTrie(contents: Iterable<string>): TrieNode {
  const root: TrieNode = { next: new Map(), end: null };
  for (const word of contents) {
    let node = root;
    for (let i = 0; i < word.length; i++) {
      let child = node.next.get(word[i]);
      if (!child) {
        child = { next: new Map(), end: null };
        node.next.set(word[i], child);
      }
      node = child;
    }
    node.end = word;
  }
  return root;
}

/**
 * Sections of `text`, in the library's order and count (its section index feeds Metaspace's
 * `prepend_scheme: first`). Sections emptied by lstrip/rstrip are kept, with start === end.
 */
export function splitAdded(text: string, trie: TrieNode, byContent: Map<string, AddedTokenSpec>): Section[] {
  const out: Section[] = [];
  if (trie.next.size === 0) return text.length ? [{ start: 0, end: text.length, added: null }] : [];
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    let node: TrieNode | undefined = trie;
    let match: string | null = null;
    let j = i;
    while (j < n && (node = node.next.get(text[j]))) {
      if (node.end !== null) match = node.end;
      j++;
    }
    if (match !== null) {
      if (i > start) out.push({ start, end: i, added: null });
      out.push({ start: i, end: i + match.length, added: byContent.get(match) ?? null });
      i += match.length;
      start = i;
    } else {
      i++;
    }
  }
  if (start < n) out.push({ start, end: n, added: null });
  for (let k = 0; k < out.length; k++) {
    const tok = out[k].added;
    if (!tok) continue;
    if (tok.lstrip && k > 0) {
      const prev = out[k - 1];
      while (prev.end > prev.start && /\s/.test(text[prev.end - 1])) prev.end--;
    }
    if (tok.rstrip && k < out.length - 1) {
      const next = out[k + 1];
      while (next.start < next.end && /\s/.test(text[next.start])) next.start++;
    }
  }
  // The library also treats a plain section that equals an added token's content as that token.
  for (const s of out) {
    if (!s.added && s.end > s.start) s.added = byContent.get(text.slice(s.start, s.end)) ?? null;
  }
  return out;
}
