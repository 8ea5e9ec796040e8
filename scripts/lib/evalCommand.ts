/** The `eval` command (scripts/eval.ts), as a function so tests can run it in-process. */
import { parseArgs } from 'node:util';
import type { Files } from '../../src/tasks/evalInputs.ts';
import { TASKS as REGISTRY } from '../../src/tasks/index.ts';
import { InputError, readJsonl } from './jsonl.ts';

/** Every task the registry holds scores its own files (TaskSpec.scoreFiles). */
const TASKS = REGISTRY.list().map((t) => t.name);
type EvalTask = string;

const USAGE = `usage: npm run eval -- --task <${TASKS.join('|')}> --gold <gold.jsonl> --pred <predictions.jsonl>
  classification / pair  gold {"label"}, pred {"label"}
  multilabel             gold {"labels": [...]}, pred {"labels": [...], "scores": {label: p}}
  qa                     gold {"id", "answers": {"text": [...]}}, pred {"id", "prediction_text"}
  ner                    gold {"tokens", "ner_tags"}, pred {"tags"}
  mlm                    gold: the validation text; pred one line per masked position {"gold": {"token", "log_prob"}, "top": [{"token", …}]}`;

class UsageError extends Error {}

function parseCommandLine(argv: string[]): { task: EvalTask; gold: string; pred: string } | 'help' {
  let values: { task?: string; gold?: string; pred?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { task: { type: 'string' }, gold: { type: 'string' }, pred: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  for (const name of ['task', 'gold', 'pred'] as const) {
    if (!values[name]) throw new UsageError(`missing --${name}`);
  }
  if (!REGISTRY.has(values.task!)) {
    throw new UsageError(`unknown task "${values.task}" (expected one of: ${TASKS.join(', ')})`);
  }
  return { task: values.task as EvalTask, gold: values.gold!, pred: values.pred! };
}

function evaluate(task: EvalTask, files: Files, io: EvalIo): object {
  return REGISTRY.get(task).scoreFiles(files, (message) => io.err(`warning: ${message}\n`));
}

/** Where the command writes; the CLI passes the process streams, tests pass collectors. */
export interface EvalIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs `eval` with the given arguments and returns the exit status (0 ok, 1 bad data, 2 bad command line). */
export function runEvalCommand(argv: string[], io: EvalIo): number {
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`eval: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const files: Files = { goldFile: command.gold, predFile: command.pred, gold: readJsonl(command.gold), pred: readJsonl(command.pred) };
    io.out(`${JSON.stringify(evaluate(command.task, files, io), null, 1)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    io.err(`eval: ${err.message}\n`);
    return 1;
  }
}
