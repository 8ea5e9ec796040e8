import { useMemo } from 'react';
import { bars, histogramBars } from '../state/selectors';
import { useStudio } from '../state/store';
import { BarList } from './BarList';

/** Label distribution, split sizes, and the token-length histogram with the suggested max_length. */
export function DataStats() {
  const summary = useStudio((s) => s.summary);
  const tokenStats = useStudio((s) => s.tokenStats);
  const maxLength = useStudio((s) => s.maxLength);
  const setMaxLength = useStudio((s) => s.setMaxLength);
  // Masked LM with group_texts: every text is concatenated and cut into blocks, so nothing is truncated.
  const grouped = useStudio((s) => s.summary?.task === 'mlm' && !s.lineByLine);
  const labelBars = useMemo(() => bars(summary?.labelCounts ?? {}), [summary]);
  const tokenBars = useMemo(() => (tokenStats ? histogramBars(tokenStats.tokens.histogram) : []), [tokenStats]);
  if (!summary || summary.error) return null;
  const t = tokenStats?.tokens;
  return (
    <div className="stats">
      <div>
        <h3>Labels</h3>
        <BarList bars={labelBars} label="Label distribution" />
        <p className="muted" data-testid="splits">
          train {summary.splits.train} · validation {summary.splits.validation} · test {summary.splits.test}
        </p>
      </div>
      <div>
        <h3>Tokens per example</h3>
        {t ? (
          <>
            <BarList bars={tokenBars} label="Token length histogram" mark={(_, i) => !grouped && i * tokenStats!.tokens.histogram.binWidth >= (maxLength ?? Infinity)} />
            <p className="muted">
              mean {t.mean} · p95 {t.p95} · max {t.max}. Suggested max_length <strong>{t.suggestion.suggested}</strong> (covers 99%).
              {grouped
                ? ` Texts are concatenated and cut into blocks of ${t.maxLength} tokens (group_texts): nothing is truncated; only the last partial block is dropped.`
                : t.truncated > 0 && ` ${t.truncated} examples are longer than ${t.maxLength} and will be truncated.`}
            </p>
            <label>
              max_length
              <input type="number" min={8} max={4096} step={8} value={maxLength ?? ''} onChange={(e) => setMaxLength(Number(e.target.value))} />
            </label>
          </>
        ) : (
          <p className="muted">Choose a model to count tokens with its tokenizer.</p>
        )}
      </div>
    </div>
  );
}
