import type { Detection } from './detect.ts';
import type { FieldIssue } from './fields.ts';
import type { Row } from './records.ts';
import type { Example } from './types.ts';
import { TASKS, type TaskRegistry } from '../tasks/index.ts';

export type Converted = { example: Example; issues?: undefined } | { example?: undefined; issues: FieldIssue[] };

/** Where a row came from; QA uses it to give id-less questions a stable id. */
export interface RowOrigin {
  file: string;
  line: number;
}

/** Row → typed example, or every problem found in it (all fields are checked, not just the first bad one). */
export function makeConverter(d: Detection, registry: TaskRegistry = TASKS): (row: Row, origin: RowOrigin) => Converted {
  return registry.get(d.task).converter(d.columns);
}
