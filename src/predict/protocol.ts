/**
 * Messages of the playground's predict worker: it loads a checkpoint (a finished run's export, a dropped
 * zip or folder) with the project's own loader and scores a few typed examples, independently of the train
 * worker, so the playground works for past runs and for models that were never trained here.
 */
import type { Example, Task } from '../data/types';
import type { Prediction } from '../protocol/train';

export type PredictRequest =
  | {
      type: 'load';
      id: number;
      files: File[];
      /** Omitted: taken from config.json (architectures, problem_type, id2label). */
      task?: Task;
      labels?: string[];
    }
  | { type: 'predict'; id: number; examples: Example[]; maxLength: number };

export type PredictEvent =
  /** `maskToken`: what a fill-mask text must contain (masked LM), else null. */
  | { type: 'loaded'; id: number; task: Task; labels: string[]; label: string; maskToken: string | null }
  | { type: 'predicted'; id: number; predictions: Prediction[]; elapsedMs: number }
  | { type: 'error'; id: number; message: string };
