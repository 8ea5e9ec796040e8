import { useMemo } from 'react';
import { fmtBytes, fmtCount, memoryEstimate } from '../state/selectors';
import { useStudio } from '../state/store';

/** What the model is, and whether training it fits this GPU at the chosen batch size and max_length. */
export function ModelSummary() {
  const info = useStudio((s) => s.modelInfo);
  const label = useStudio((s) => s.modelLabel);
  const tokenizer = useStudio((s) => s.tokenizer);
  const config = useStudio((s) => s.config);
  const maxLength = useStudio((s) => s.maxLength);
  const adapter = useStudio((s) => s.adapter);
  const limits = adapter.state === 'ready' ? adapter.report.limits : undefined;
  const maskedLm = useStudio((s) => s.summary?.task === 'mlm');
  const est = useMemo(() => memoryEstimate(info, config, maxLength, limits, maskedLm), [info, config, maxLength, limits, maskedLm]);
  if (!info || !est) return null;
  return (
    <div className="model-summary" data-testid="model-summary">
      <dl className="kv">
        <dt>Model</dt>
        <dd>{label}</dd>
        <dt>Architecture</dt>
        <dd>
          {info.modelType}: {info.layers} layers, hidden {info.hiddenSize}, {info.heads} heads
        </dd>
        <dt>Parameters</dt>
        <dd>{fmtCount(info.parameters)}</dd>
        {tokenizer && (
          <>
            <dt>Tokenizer</dt>
            <dd>
              {fmtCount(tokenizer.vocabSize)} tokens, up to {Math.min(tokenizer.modelMaxLength, info.maxPositions)} per example
            </dd>
          </>
        )}
        <dt>GPU memory (estimate)</dt>
        <dd>
          {fmtBytes(est.totalBytes)} for batch {config.batchSize} × {maxLength ?? 128} tokens: weights {fmtBytes(est.weightsBytes)}, optimizer{' '}
          {fmtBytes(est.optimizerBytes)}, activations {fmtBytes(est.activationBytes)}
          {config.mixedPrecision ? ' (mixed precision: part of them stored as f16)' : ''}
        </dd>
      </dl>
      {est.warnings.map((w) => (
        <p key={w} className="warn-text" role="alert">
          {w}
        </p>
      ))}
    </div>
  );
}
