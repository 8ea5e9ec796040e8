/** The tasks the studio trains. `pair` is single-label classification over two texts; `mlm` is masked-LM pretraining. */
export type Task = 'classification' | 'pair' | 'multilabel' | 'qa' | 'ner' | 'mlm';

/** Single-label classification; a sentence pair when `textPair` is set. */
export interface ClassificationExample {
  text: string;
  textPair?: string;
  label: string;
}

export interface MultilabelExample {
  text: string;
  labels: string[];
}

/** SQuAD v1/v2 style; `answers.text` empty = unanswerable (SQuAD v2). */
export interface QaExample {
  id: string;
  question: string;
  context: string;
  answers: { text: string[]; answerStart: number[] };
}

export interface NerExample {
  tokens: string[];
  tags: string[];
}

/** Masked LM: one unlabeled document (a line of a .txt, a text cell). */
export interface MlmExample {
  text: string;
}

export type Example = ClassificationExample | MultilabelExample | QaExample | NerExample | MlmExample;

/** One problem with one field of one row. `line` is 1-based (CSV: the line the record starts on). */
export interface RowError {
  file: string;
  line: number;
  field: string;
  reason: string;
}
