/**
 * `npm run eval -- --task classification|pair|multilabel|qa|ner|mlm --gold <gold.jsonl> --pred <pred.jsonl>`
 *
 * Prints the metrics of the predictions as one JSON object on stdout, with the keys of the metric
 * fixtures' expected.json (tests/fixtures/metrics). QA reports both the SQuAD v1.1 and the KorQuAD 1.0
 * scores, NER both seqeval's default and strict IOB2 modes; per-question QA scores are left out.
 * Exit status: 0 ok, 1 bad input data (the message names file and line), 2 bad command line.
 */
import { runEvalCommand } from './lib/evalCommand.ts';

process.exitCode = runEvalCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
