/**
 * `npm run ensemble -- --runs <dir> <dir> … --gold <validation.jsonl> [--weights equal|search|w1,w2,…] --out <dir>`
 *
 * Combines the validation predictions of several `npm run train` runs of one task and label set (mean
 * probabilities, re-tuned multi-label thresholds, NER votes, QA logits or answer votes; src/ensemble) and
 * writes predictions.jsonl, metrics.json and ensemble.json (members, weights, each member's score).
 * Exit status: 0 ok, 1 bad input data (the message names the file), 2 bad command line.
 */
import { runEnsembleCommand } from './lib/ensembleCommand.ts';

process.exitCode = runEnsembleCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
