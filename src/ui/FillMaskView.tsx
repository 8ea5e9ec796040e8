import type { Prediction } from '../protocol/train';

type Masked = Extract<Prediction, { top: unknown }>;

/** Fill-mask: for each mask token of the text, the model's five most likely tokens with their probabilities. */
export function FillMaskView({ masks }: { masks: Prediction[] }) {
  const positions = masks.filter((m): m is Masked => 'top' in m);
  return (
    <div data-testid="fill-mask">
      {positions.map((m, i) => (
        <div key={`${m.row}-${m.position}`}>
          <p>
            {positions.length > 1 ? `Mask ${i + 1}: ` : 'Most likely: '}
            <strong>{m.top[0]?.token_str}</strong>
          </p>
          <ul className="bars" aria-label={`Top tokens for mask ${i + 1}`}>
            {m.top.map((t) => (
              <li key={t.token}>
                <span className="bar-label">{t.token_str}</span>
                <span className="bar" style={{ width: `${Math.max(1, t.score * 100)}%` }} />
                <span className="bar-value">{(t.score * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
