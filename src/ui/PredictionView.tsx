import { qaScoreText } from '../state/selectors';
import type { PlaygroundResult } from '../state/uiSlice';
import { AnswerSpan } from './AnswerSpan';
import { Entities } from './Entities';
import { FillMaskView } from './FillMaskView';

/** A playground prediction: class probabilities, tagged entities, or the answer in its context. */
export function PredictionView({ result }: { result: PlaygroundResult }) {
  const p = result.prediction;
  return (
    <div className="prediction" data-testid="prediction" aria-live="polite">
      {'prediction_text' in p && (
        <>
          <p>
            Answer: <strong>{p.prediction_text || '(no answer found)'}</strong>
            {p.score !== undefined && (
              <span className="muted small" title="probability: softmax of the score over the 20 best spans; score: start logit + end logit">
                {' '}
                ({qaScoreText(p)})
              </span>
            )}
          </p>
          {result.context && <AnswerSpan context={result.context} predicted={p.prediction_text} predictedStart={p.answer_start} note={p.probability !== undefined ? `${(p.probability * 100).toFixed(1)}%` : undefined} />}
        </>
      )}
      {result.masks && <FillMaskView masks={result.masks} />}
      {'tags' in p && result.words && <Entities words={result.words} tags={p.tags} label="Tagged entities" />}
      {'scores' in p && (
        <>
          <p>
            Prediction: <strong>{'label' in p ? p.label : p.labels.join(', ') || '(no label above 0.5)'}</strong>
          </p>
          <ul className="bars" aria-label="Class probabilities">
            {Object.entries(p.scores)
              .sort((a, b) => b[1] - a[1])
              .map(([label, score]) => (
                <li key={label}>
                  <span className="bar-label">{label}</span>
                  <span className="bar" style={{ width: `${Math.max(1, score * 100)}%` }} />
                  <span className="bar-value">{(score * 100).toFixed(1)}%</span>
                </li>
              ))}
          </ul>
        </>
      )}
      <p className="muted small">{result.elapsedMs.toFixed(0)} ms</p>
    </div>
  );
}
