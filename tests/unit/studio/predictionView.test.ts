/** The playground's QA answer shows its n-best probability next to the highlighted span, and its logit sum. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { PredictionView } from '../../../src/ui/PredictionView';

const context = 'Marie Curie won two Nobels.';

describe('playground QA answer', () => {
  test('the probability sits right after the highlighted answer; the answer line has probability and score', () => {
    const html = renderToStaticMarkup(
      createElement(PredictionView, { result: { prediction: { id: 'playground', prediction_text: 'two Nobels', score: 12.345, probability: 0.8731 }, context, elapsedMs: 5 } }),
    );
    expect(html).toContain('<mark class="answer" title="predicted">two Nobels</mark><span class="answer-note" data-testid="answer-score">87.3%</span>');
    expect(html).toContain('(87.3% · score 12.35)');
  });

  test('the span at answer_start is highlighted, not the first occurrence of its text', () => {
    const twice = 'Curie won. Then Curie won again.';
    const html = renderToStaticMarkup(
      createElement(PredictionView, { result: { prediction: { id: 'playground', prediction_text: 'Curie won', answer_start: 16, score: 3, probability: 0.5 }, context: twice, elapsedMs: 5 } }),
    );
    expect(html).toContain('Curie won. Then <mark class="answer" title="predicted">Curie won</mark>');
  });

  test('no answer: no score shown', () => {
    const html = renderToStaticMarkup(createElement(PredictionView, { result: { prediction: { id: 'playground', prediction_text: '' }, context, elapsedMs: 5 } }));
    expect(html).toContain('(no answer found)');
    expect(html).not.toContain('answer-score');
    expect(html).not.toContain('score');
  });
});
