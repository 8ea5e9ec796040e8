/**
 * One combiner per task: it reads the members once and then, for any weights, returns the ensemble's
 * predictions.jsonl lines (so the weight search re-combines without re-reading). `method` says in words what
 * was averaged or voted, for ensemble.json and the CLI's output.
 */
import { at, InputError, type JsonlRow } from '../tasks/evalInputs';
import type { EnsembleMember } from './members';
import { memberProbabilities, memberTagProbabilities, memberTags, memberVotes } from './members';
import { averageProbabilities, multilabelLines, singleLabelLines, tuneThresholds } from './probabilities';
import { averageTagProbabilities, voteTags } from './ner';
import { averageQaLogits, decodeAveragedQa, voteQaAnswer } from './qa';

export interface Combined {
  predictions: Record<string, unknown>[];
  /** Multi-label: the per-class thresholds tuned on the ensemble's probabilities. */
  thresholds?: Record<string, number>;
}

export interface Combiner {
  method: string;
  /** Things the user should know about how the result was made (a fallback taken, what it would need). */
  notes: string[];
  combine(weights: readonly number[]): Combined;
}

export interface CombineInput {
  task: string;
  labels: readonly string[];
  goldFile: string;
  gold: JsonlRow[];
  members: EnsembleMember[];
}

export function makeCombiner(input: CombineInput): Combiner {
  const { task, labels, members } = input;
  switch (task) {
    case 'classification':
    case 'pair': {
      const probs = members.map((m) => memberProbabilities(m, labels));
      return { method: 'mean of the members\' softmax probabilities, argmax', notes: [], combine: (w) => ({ predictions: singleLabelLines(averageProbabilities(probs, w), labels) }) };
    }
    case 'multilabel': {
      const probs = members.map((m) => memberProbabilities(m, labels));
      const gold = input.gold.map((row) => row.value.labels as string[]);
      return {
        method: 'mean of the members\' sigmoid probabilities; per-class thresholds re-tuned for F1 on the ensemble',
        notes: ['thresholds are tuned on the rows that score the ensemble (--gold): the scores are optimistic; check on held-out rows'],
        combine(w) {
          const mean = averageProbabilities(probs, w);
          const thresholds = tuneThresholds(mean, gold, labels);
          return { predictions: multilabelLines(mean, labels, thresholds), thresholds };
        },
      };
    }
    case 'ner': {
      const probs = members.map((m) => memberTagProbabilities(m, labels));
      if (probs.every((p) => p !== null)) {
        return { method: 'mean of the members\' per-word tag probabilities, argmax', notes: [], combine: (w) => ({ predictions: averageTagProbabilities(probs, w, labels).map((tags) => ({ tags })) }) };
      }
      const tags = members.map(memberTags);
      return { method: 'weighted majority vote per word', notes: [], combine: (w) => ({ predictions: voteTags(tags, w).map((t) => ({ tags: t })) }) };
    }
    case 'qa':
      return qaCombiner(input);
    default:
      throw new Error(`no ensemble for task "${task}"`);
  }
}

function qaCombiner({ goldFile, gold, members }: CombineInput): Combiner {
  const ids = gold.map((row) => row.value.id as string);
  const lacking = members.filter((m) => !m.qaWindows);
  if (lacking.length === 0) {
    const contexts = gold.map((row) => {
      if (typeof row.value.context !== 'string') throw at(goldFile, row.line, 'averaging QA logits needs the gold row\'s "context" (the text the windows\' offsets point into)');
      return row.value.context;
    });
    const windows = members.map((m) =>
      ids.map((id) => {
        const w = m.qaWindows!.get(id);
        if (!w) throw new InputError(`${m.name}: qa_logits.jsonl has no windows for question "${id}"`);
        return w;
      }),
    );
    // Check once that the members' windows line up, naming the runs (the weight search would hit it anyway).
    const equal = members.map(() => 1 / members.length);
    ids.forEach((id, i) => {
      try {
        averageQaLogits(windows.map((mw) => mw[i]), equal);
      } catch (err) {
        throw new InputError(`question "${id}": ${(err as Error).message.replace(/member (\d+)/g, (_, n) => members[Number(n) - 1].name)}`);
      }
    });
    return {
      method: 'mean of the members\' start/end logits per window, then n-best decoding',
      notes: [],
      combine: (w) => ({
        predictions: ids.map((id, i) => {
          const a = decodeAveragedQa(windows.map((mw) => mw[i]), w, contexts[i]);
          return { id, prediction_text: a.text, ...(Number.isFinite(a.score) ? { answer_start: a.start, score: a.score, probability: a.probability } : {}) };
        }),
      }),
    };
  }
  const votes = members.map(memberVotes);
  return {
    method: 'vote on prediction_text weighted by member weight × answer probability (fallback: no per-window logits)',
    notes: [
      `QA: ${lacking.map((m) => m.name).join(', ')} ${lacking.length === 1 ? 'has' : 'have'} no qa_logits.jsonl, so the answers were voted on instead of averaging start/end logits per window. ` +
        'Averaging logits needs every run folder to hold qa_logits.jsonl: one line per window {"id", "start_logits", "end_logits", "offsets"} from the same tokenizer, max length and stride.',
    ],
    combine: (w) => ({ predictions: ids.map((id) => ({ id, ...voteQaAnswer(votes.map((v) => v.get(id) ?? { prediction_text: '' }), w) })) }),
  };
}
