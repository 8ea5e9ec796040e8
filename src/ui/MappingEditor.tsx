import type { Task } from '../data/types';
import type { ColumnMapping } from '../protocol/data';
import { useStudio } from '../state/store';
import { TASKS, taskSpec } from '../tasks/index';

const CHOICES: { id: Task | 'auto'; name: string }[] = [
  { id: 'auto', name: 'Detect automatically' },
  ...TASKS.list().map((t) => ({ id: t.name as Task, name: t.title })),
];

/** The detected task and column roles, each editable; Accept confirms them. */
export function MappingEditor() {
  const summary = useStudio((s) => s.summary);
  const taskChoice = useStudio((s) => s.taskChoice);
  const accepted = useStudio((s) => s.mappingAccepted);
  const parsing = useStudio((s) => s.dataStatus === 'parsing');
  const lineByLine = useStudio((s) => s.lineByLine);
  const { setTask, setColumn, acceptMapping, setLineByLine } = useStudio.getState();
  if (!summary) return null;
  const task = summary.task;
  return (
    <fieldset className="mapping" aria-label="Task and columns">
      <legend>Task and columns</legend>
      <label>
        Task
        <select value={taskChoice} onChange={(e) => void setTask(e.target.value as Task | 'auto')}>
          {CHOICES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id === 'auto' && task ? `Detected: ${taskSpec(task).title}` : t.name}
            </option>
          ))}
        </select>
      </label>
      {task &&
        taskSpec(task).roles.map((role) => (
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
      {task === 'mlm' && (
        <label className="check">
          <input type="checkbox" data-testid="line-by-line" checked={lineByLine} onChange={(e) => setLineByLine(e.target.checked)} />
          One block per line (run_mlm.py --line_by_line); otherwise every text is concatenated and cut into blocks of max length
        </label>
      )}
      <button type="button" className="primary" disabled={!task || parsing || accepted || !!summary.error} onClick={acceptMapping}>
        {accepted ? 'Mapping accepted ✓' : 'Accept mapping'}
      </button>
    </fieldset>
  );
}
