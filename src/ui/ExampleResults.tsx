import type { NerExample, QaExample } from '../data/types';
import { useStudio } from '../state/store';
import { taskSpec } from '../tasks/index';
import { AnswerSpan } from './AnswerSpan';
import { Entities } from './Entities';

const SHOWN = 8;

/** QA answers and NER entities of the first validation examples, predicted next to gold. */
export function ExampleResults() {
  const task = useStudio((s) => s.summary?.task);
  const predictions = useStudio((s) => s.predictions);
  const examples = useStudio((s) => s.resultExamples);
  const view = task ? taskSpec(task).views.examples : null;
  if (!predictions || !examples || !view) return null;
  return (
    <div className="examples">
      <h3>Validation examples (predicted{view === 'span' ? ' in green, gold in yellow' : ' above, gold below'})</h3>
      {examples.slice(0, SHOWN).map((ex, i) => {
        const p = predictions[i];
        if (view === 'span') {
          const q = ex as QaExample;
          const qa = p && 'prediction_text' in p ? p : undefined;
          return (
            <div key={i} className="example">
              <strong>{q.question}</strong>
              <AnswerSpan context={q.context} predicted={qa?.prediction_text ?? ''} predictedStart={qa?.answer_start} gold={q.answers.text[0]} goldStart={q.answers.answerStart[0]} />
            </div>
          );
        }
        const n = ex as NerExample;
        return (
          <div key={i} className="example">
            <Entities words={n.tokens} tags={p && 'tags' in p ? p.tags : []} label={`Predicted entities of example ${i + 1}`} />
            <Entities words={n.tokens} tags={n.tags} label={`Gold entities of example ${i + 1}`} />
          </div>
        );
      })}
    </div>
  );
}
