import { useMemo } from 'react';
import { entitySpans } from '../state/selectors';

/** Words with their entity spans highlighted and typed. */
export function Entities({ words, tags, label }: { words: string[]; tags: string[]; label: string }) {
  const spans = useMemo(() => entitySpans(words, tags), [words, tags]);
  return (
    <p aria-label={label}>
      {spans.map((s, i) =>
        s.type ? (
          <mark key={i} className="entity">
            {s.text}
            <sup>{s.type}</sup>{' '}
          </mark>
        ) : (
          <span key={i}>{s.text} </span>
        ),
      )}
    </p>
  );
}
