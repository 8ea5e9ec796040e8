import { useMemo } from 'react';
import { highlight } from '../state/selectors';

/**
 * A QA context with the predicted answer (green) and, when given, the gold answer (yellow), each at its character
 * offset when known; `note` (the answer's score) is shown right after the predicted answer.
 */
export function AnswerSpan({ context, predicted, predictedStart, gold, goldStart, note }: { context: string; predicted: string; predictedStart?: number; gold?: string; goldStart?: number; note?: string }) {
  const p = useMemo(() => highlight(context, predicted, predictedStart), [context, predicted, predictedStart]);
  const g = useMemo(
    () => (gold && (gold !== predicted || goldStart !== predictedStart) ? highlight(context, gold, goldStart) : null),
    [context, gold, goldStart, predicted, predictedStart],
  );
  if (!p && !g) return <p className="context">{context}</p>;
  const marks = [p && { ...p, cls: 'answer', at: p.before.length }, g && { ...g, cls: 'gold', at: g.before.length }]
    .filter((m): m is NonNullable<typeof m> => !!m)
    .sort((a, b) => a.at - b.at);
  // Overlapping spans: show the predicted one only.
  const shown = marks.length === 2 && marks[1].at < marks[0].at + marks[0].match.length ? marks.filter((m) => m.cls === 'answer') : marks;
  const parts: React.ReactNode[] = [];
  let at = 0;
  shown.forEach((m, i) => {
    parts.push(context.slice(at, m.at));
    parts.push(
      <mark key={i} className={m.cls} title={m.cls === 'answer' ? 'predicted' : 'gold'}>
        {m.match}
      </mark>,
    );
    if (m.cls === 'answer' && note) {
      parts.push(
        <span key={`${i}-note`} className="answer-note" data-testid="answer-score">
          {note}
        </span>,
      );
    }
    at = m.at + m.match.length;
  });
  parts.push(context.slice(at));
  return <p className="context">{parts}</p>;
}
