import type { Task } from './types.ts';
import type { Row } from './records.ts';
import { columnsOf, profileColumns } from './profile.ts';
import { hasSingleLabelColumn } from './columnRoles.ts';
import { DEFAULT_TASK, TASKS, type TaskRegistry } from '../tasks/index.ts';

/** Which column plays which role. Only the roles of the detected task are set. */
export interface ColumnMapping {
  text?: string;
  text_pair?: string;
  label?: string;
  /** Multi-label: a list of label names or ids per row (`["a","b"]`, `[3, 17]`). */
  labels?: string;
  /** Multi-label: a 0/1 vector per row (`[1,0,1]`); class names are the positions. */
  labels_vector?: string;
  /** Multi-label: one 0/1 column per class (UnSmile-style TSV); class names are the column names. */
  label_columns?: string[];
  question?: string;
  context?: string;
  /** QA: `{text: [...], answer_start: [...]}` or SQuAD's `[{text, answer_start}]`. */
  answers?: string;
  answer_text?: string;
  answer_start?: string;
  id?: string;
  tokens?: string;
  tags?: string;
}

export interface Detection {
  task: Task;
  columns: ColumnMapping;
}

export interface DetectOverride {
  task?: Task | 'auto';
  /** The user's choices in the column-mapping panel; they win over detection. */
  columns?: Partial<ColumnMapping>;
}

export class DetectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DetectionError';
  }
}

/**
 * Task and column roles from the column names and a sample of rows. Each task's spec (src/tasks) says how
 * it finds its columns and how specific it is: QA and NER have unmistakable shapes; a pair needs two known
 * text names; multi-label needs a list or several 0/1 columns (and no column named like a single label);
 * the rest is classification. `registry` is the built-in one but in tests.
 */
export function detectTask(columns: readonly string[], sampleRows: readonly Row[], override: DetectOverride = {}, registry: TaskRegistry = TASKS): Detection {
  const names = columns.length ? [...columns] : columnsOf(sampleRows);
  const profiles = profileColumns(names, sampleRows);
  const forced = override.task && override.task !== 'auto' ? override.task : undefined;
  let detection: Detection | null = null;
  if (forced) {
    const m = registry.get(forced).detect.columns(profiles, sampleRows.length);
    detection = { task: forced, columns: m ?? {} };
  } else {
    // A 0/1 column named `hate` may well be one class of a one-hot multi-label file; `label` means one per row.
    const singleLabel = hasSingleLabelColumn(profiles);
    const order = registry.list().filter((s) => s.detect.candidate?.(profiles, singleLabel) ?? true);
    order.sort((a, b) => a.detect.priority(singleLabel) - b.detect.priority(singleLabel));
    for (const spec of order) {
      const m = spec.detect.columns(profiles, sampleRows.length);
      if (m) {
        detection = { task: spec.name as Task, columns: m };
        break;
      }
    }
  }
  const user = Object.fromEntries(Object.entries(override.columns ?? {}).filter(([, v]) => v !== undefined && v !== ''));
  if (!detection) {
    if (!Object.keys(user).length) {
      throw new DetectionError(
        `cannot tell the task from the columns (${names.join(', ') || 'none'}): expected text/label, a sentence pair, ` +
          'a list of labels, question/context/answers or tokens/ner_tags; choose the columns by hand',
      );
    }
    detection = { task: forced ?? DEFAULT_TASK, columns: {} };
  }
  const merged: ColumnMapping = { ...detection.columns, ...user };
  for (const [role, col] of Object.entries(merged)) {
    for (const c of Array.isArray(col) ? col : [col]) {
      if (!names.includes(c)) throw new DetectionError(`column "${c}" chosen as ${role} is not in the file (columns: ${names.join(', ')})`);
    }
  }
  const missing = registry.get(detection.task).requiredRoles(merged);
  if (missing) throw new DetectionError(`task ${detection.task} needs ${missing}; columns: ${names.join(', ')}`);
  return { task: detection.task, columns: merged };
}
