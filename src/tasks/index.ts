/**
 * The task registry: task name → its TaskSpec, the way transformers.js's SUPPORTED_TASKS maps a pipeline
 * name to its classes. Adding a task = a module in this folder + one line in BUILT_IN (+ its head and loss
 * in engine/ if new, its views in ui/). Tests build their own registry with `createTaskRegistry`.
 */
import type { Task } from '../data/types';
import type { HfConfig } from '../engine/config';
import { classification } from './classification';
import { mlm } from './mlm';
import { multilabel } from './multilabel';
import { ner } from './ner';
import { pair } from './pair';
import { qa } from './qa';
import type { TaskSpec } from './types';

export type { TaskSpec } from './types';

export interface TaskRegistry {
  /** Throws for a name it does not hold: a misspelt task is a bug, not a default. */
  get(name: string): TaskSpec;
  has(name: string): boolean;
  /** In the order the UI lists them. */
  list(): readonly TaskSpec[];
  /** The task a saved checkpoint was trained for, from its config.json; undefined when none claims it. */
  ofCheckpoint(config: HfConfig): TaskSpec | undefined;
}

export function createTaskRegistry(specs: readonly TaskSpec[]): TaskRegistry {
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  if (byName.size !== specs.length) throw new Error('two task specs share a name');
  return {
    get(name) {
      const spec = byName.get(name);
      if (!spec) throw new Error(`unknown task "${name}" (known: ${[...byName.keys()].join(', ')})`);
      return spec;
    },
    has: (name) => byName.has(name),
    list: () => specs,
    ofCheckpoint(config) {
      const arch = config.architectures?.[0] ?? '';
      return specs.find((s) => s.recognises?.(config, arch));
    },
  };
}

/** Keyed by Task, so the compiler rejects a Task without a spec; in the order the UI lists them. */
const BUILT_IN: Record<Task, TaskSpec> = { classification, pair, multilabel, ner, qa, mlm };

export const TASKS: TaskRegistry = createTaskRegistry(Object.values(BUILT_IN));

/** The task a file falls back to when nothing is detected but the user chose columns. */
export const DEFAULT_TASK: Task = 'classification';

/** The spec of a built-in task. */
export const taskSpec = (task: Task): TaskSpec => TASKS.get(task);

/** A built-in task's spec, or the spec itself (generic code that tests drive with a toy task takes either). */
export const specOf = (task: Task | TaskSpec): TaskSpec => (typeof task === 'string' ? taskSpec(task) : task);

/** The task a checkpoint's config.json was trained for (classification when nothing more specific claims it). */
export const taskOfCheckpoint = (config: HfConfig): Task => (TASKS.ofCheckpoint(config)?.name ?? 'classification') as Task;
