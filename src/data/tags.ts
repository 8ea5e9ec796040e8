/**
 * NER tag schemes. The scheme is read off the training file, then every sequence (train and eval) is checked
 * against it: a stray `I-` after `O` in an IOB2 file is a labelling error that silently becomes a
 * one-token entity in training and a mismatch in seqeval, so it is reported instead.
 */
export type TagScheme = 'IOB1' | 'IOB2' | 'BIOES' | 'BILOU' | 'IO' | 'unknown';

type Prefix = 'B' | 'I' | 'E' | 'S' | 'L' | 'U' | 'O' | '';

export function splitTag(tag: string): { prefix: Prefix; type: string } {
  if (tag === 'O') return { prefix: 'O', type: '' };
  const m = /^([BIESLU])[-_](.+)$/.exec(tag);
  return m ? { prefix: m[1] as Prefix, type: m[2] } : { prefix: '', type: tag };
}

/** Scheme of a set of tag sequences (the training file). Integer tags carry no scheme: 'unknown'. */
export function detectTagScheme(sequences: readonly (readonly string[])[]): TagScheme {
  let bStarts = 0, iStarts = 0, prefixed = 0, bare = 0, numeric = 0;
  let hasES = false, hasLU = false;
  for (const tags of sequences) {
    let prevType = '';
    for (const tag of tags) {
      if (/^\d+$/.test(tag)) numeric++;
      const { prefix, type } = splitTag(tag);
      if (prefix === 'E' || prefix === 'S') hasES = true;
      if (prefix === 'L' || prefix === 'U') hasLU = true;
      if (prefix === '') bare++;
      else if (prefix !== 'O') prefixed++;
      if (prefix === 'B' && prevType !== type) bStarts++;
      if (prefix === 'I' && prevType !== type) iStarts++;
      prevType = prefix === 'O' ? '' : type;
    }
  }
  if (numeric > 0 && prefixed === 0) return 'unknown';
  if (hasLU) return 'BILOU';
  if (hasES) return 'BIOES';
  if (prefixed === 0) return bare > 0 ? 'IO' : 'unknown';
  // IOB1 uses B- only between two adjacent entities of one type, so no entity *starts* with B-.
  return bStarts === 0 && iStarts > 0 ? 'IOB1' : 'IOB2';
}

/** The first violation of `scheme` in `tags`, as a sentence for the user; null when the sequence is valid. */
export function tagSequenceError(tags: readonly string[], scheme: TagScheme): string | null {
  if (scheme === 'unknown' || scheme === 'IO') return null;
  const last = scheme === 'BILOU' ? 'L' : 'E';
  const single = scheme === 'BILOU' ? 'U' : 'S';
  const parts = tags.map(splitTag);
  for (let i = 0; i < parts.length; i++) {
    const { prefix, type } = parts[i];
    const prev = i > 0 ? parts[i - 1] : { prefix: 'O' as Prefix, type: '' };
    const next = i + 1 < parts.length ? parts[i + 1] : { prefix: 'O' as Prefix, type: '' };
    const at = `${tags[i]} at token ${i + 1}`;
    const after = i > 0 ? `follows ${tags[i - 1]}` : 'starts the sentence';
    if (prefix === '') return `${at} has no B-/I- prefix (${scheme} file)`;
    if (prefix === 'O') continue;
    const sameBefore = prev.type === type && prev.prefix !== 'O';
    if (scheme === 'IOB2') {
      if (prefix === 'I' && !(sameBefore && (prev.prefix === 'B' || prev.prefix === 'I'))) return `${at} ${after} (IOB2 entities start with B-)`;
      if (prefix !== 'B' && prefix !== 'I') return `${at}: ${prefix}- is not an IOB2 prefix`;
    } else if (scheme === 'IOB1') {
      if (prefix === 'B' && !sameBefore) return `${at} ${after} (IOB1 uses B- only between two adjacent ${type} entities)`;
      if (prefix !== 'B' && prefix !== 'I') return `${at}: ${prefix}- is not an IOB1 prefix`;
    } else {
      const inside = prefix === 'I' || prefix === last;
      const continues = prefix === 'B' || prefix === 'I';
      if (inside && !(sameBefore && (prev.prefix === 'B' || prev.prefix === 'I'))) return `${at} ${after} (${scheme}: ${prefix}- continues an entity)`;
      if (continues && !(next.type === type && (next.prefix === 'I' || next.prefix === last))) {
        return `${at} is not followed by I-${type} or ${last}-${type} (${scheme}: entities end with ${last}-)`;
      }
      if (!['B', 'I', last, single].includes(prefix)) return `${at}: ${prefix}- is not a ${scheme} prefix`;
    }
  }
  return null;
}

/**
 * Entities per type in one sequence (what seqeval counts as one chunk). With integer tags the scheme is
 * unknown, so tokens per tag id are counted instead.
 */
export function countEntities(tags: readonly string[], scheme: TagScheme, into: Map<string, number>): void {
  let prevType = '';
  for (const tag of tags) {
    if (scheme === 'unknown') {
      into.set(tag, (into.get(tag) ?? 0) + 1);
      continue;
    }
    const { prefix, type } = splitTag(tag);
    if (prefix === 'O') {
      prevType = '';
      continue;
    }
    const bioes = scheme === 'BIOES' || scheme === 'BILOU';
    const starts = bioes ? prefix === 'B' || prefix === 'S' || prefix === 'U' : prefix === 'B' || type !== prevType;
    if (starts) into.set(type, (into.get(type) ?? 0) + 1);
    prevType = type;
  }
}
