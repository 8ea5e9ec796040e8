import type { Task } from '../data/types';
import type { ColumnMapping } from '../protocol/data';
import { useStudio } from '../state/store';

const TASKS: { id: Task | 'auto'; name: string }[] = [
  { id: 'auto', name: 'Detect automatically' },
  { id: 'classification', name: 'Text classification (one label)' },
  { id: 'pair', name: 'Sentence-pair classification' },
  { id: 'multilabel', name: 'Multi-label classification' },
  { id: 'ner', name: 'Named entities (token classification)' },
  { id: 'qa', name: 'Question answering' },
];

/** The roles each task needs, in the order they are shown. */
const ROLES: Record<Task, (keyof ColumnMapping)[]> = {
  classification: ['text', 'label'],
  pair: ['text', 'text_pair', 'label'],
  multilabel: ['text', 'labels'],
  ner: ['tokens', 'tags'],
  qa: ['question', 'context', 'answers', 'answer_text', 'answer_start', 'id'],
};

/** The detected task and column roles, each editable; Accept confirms them. */
export function MappingEditor() {
  const summary = useStudio((s) => s.summary);
  const taskChoice = useStudio((s) => s.taskChoice);
  const accepted = useStudio((s) => s.mappingAccepted);
  const parsing = useStudio((s) => s.dataStatus === 'parsing');
  const { setTask, setColumn, acceptMapping } = useStudio.getState();
  if (!summary) return null;
  const task = summary.task;
  return (
    <fieldset className="mapping" aria-label="Task and columns">
      <legend>Task and columns</legend>
      <label>
        Task
        <select value={taskChoice} onChange={(e) => void setTask(e.target.value as Task | 'auto')}>
          {TASKS.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id === 'auto' && task ? `Detected: ${TASKS.find((x) => x.id === task)?.name}` : t.name}
            </option>
          ))}
        </select>
      </label>
      {task &&
        ROLES[task].map((role) => (
          <label key={role}>
            {role.replace('_', ' ')}
            <select value={(summary.columns[role] as string | undefined) ?? ''} onChange={(e) => void setColumn(role, e.target.value || undefined)}>
              <option value="">(none)</option>
              {summary.available.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        ))}
      <button type="button" className="primary" disabled={!task || parsing || accepted || !!summary.error} onClick={acceptMapping}>
        {accepted ? 'Mapping accepted ✓' : 'Accept mapping'}
      </button>
    </fieldset>
  );
}
