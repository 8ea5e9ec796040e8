/**
 * The `eval` command: every reference case and the error paths run in-process through the same function
 * the CLI calls (fast), and a few runs of the real `npx tsx scripts/eval.ts` check the process wiring:
 * stdout, stderr and the exit status.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../../scripts/lib/evalCommand.ts';
import { caseNames, differences, FIXTURES_DIR, readExpected, type Row } from './fixtureCases.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SPAWN_TIMEOUT = 120_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function evalInProcess(args: string[]): Run {
  let stdout = '';
  let stderr = '';
  const code = runEvalCommand(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function evalProcess(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/eval.ts', ...args], { cwd: REPO, timeout: SPAWN_TIMEOUT }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const fixture = (name: string, file: string) => join(FIXTURES_DIR, name, file);
const caseArgs = (task: string, name: string) => ['--task', task, '--gold', fixture(name, 'gold.jsonl'), '--pred', fixture(name, 'pred.jsonl')];

/** The CLI leaves per-question QA scores out and always prints both QA scripts' totals. */
function expectSameAsFixture(task: string, name: string, printed: Row) {
  const expected = readExpected(name);
  delete expected.per_example;
  if (task === 'qa' && !('korquad_v1.0' in expected)) {
    expect(printed['korquad_v1.0']).toEqual({ exact_match: expect.any(Number), f1: expect.any(Number) });
    expect(differences(printed, expected, ['korquad_v1.0'])).toEqual([]);
  } else {
    expect(differences(printed, expected)).toEqual([]);
  }
}

const CASES = ['classification', 'multilabel', 'qa', 'ner'].flatMap((task) => caseNames(task).map((name) => ({ task, name })));
const dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
const write = (file: string, text: string) => {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
};
const classificationGold = fixture('classification_en', 'gold.jsonl');

describe('eval command (in-process)', () => {
  it.each(CASES)('prints the numbers of expected.json for $name', ({ task, name }) => {
    const run = evalInProcess(caseArgs(task, name));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectSameAsFixture(task, name, JSON.parse(run.stdout));
  });

  it('missing file → 1, naming the file', () => {
    const missing = join(dir, 'missing.jsonl');
    const run = evalInProcess(['--task', 'classification', '--gold', classificationGold, '--pred', missing]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `eval: ${missing}: no such file\n` });
  });

  it('invalid JSON line → 1, naming file and line', () => {
    const bad = write('bad.jsonl', '{"label": "positive"}\n\n{"label": \n');
    const run = evalInProcess(['--task', 'classification', '--gold', classificationGold, '--pred', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^eval: ${bad}:3: invalid JSON`));
  });

  it('wrong row count → 1', () => {
    const short = write('short.jsonl', '{"label": "positive"}\n');
    const run = evalInProcess(['--task', 'classification', '--gold', classificationGold, '--pred', short]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${short}: 1 prediction rows but ${classificationGold} has 892 gold rows`);
  });

  it('bad fields → 1, naming file and line', () => {
    const nerGold = write('ner-gold.jsonl', '{"tokens": ["a"], "ner_tags": ["O"]}\n{"tokens": ["b", "c"], "ner_tags": ["B-X", "I-X"]}\n');
    const cases: [string, string, string][] = [
      ['ner-missing.jsonl', '{"tags": ["O"]}\n{"tokens": ["x"]}\n', ':2: missing field "tags"'],
      ['ner-length.jsonl', '{"tags": ["O"]}\n{"tags": ["O"]}\n', ':2: 1 tags but gold row 2 has 2 tokens'],
      ['ner-scheme.jsonl', '{"tags": ["O"]}\n{"tags": ["S-X", "O"]}\n', ':2: tag 0 "S-X" is not IOB2'],
    ];
    for (const [file, text, message] of cases) {
      const pred = write(file, text);
      const run = evalInProcess(['--task', 'ner', '--gold', nerGold, '--pred', pred]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${pred}${message}`);
    }
    const qaGold = write('qa-gold.jsonl', '{"id": "q1", "answers": {"text": ["x"], "answer_start": [0]}}\n');
    const qaPred = write('qa-pred.jsonl', '{"id": "q9", "prediction_text": "x"}\n');
    expect(evalInProcess(['--task', 'qa', '--gold', qaGold, '--pred', qaPred]).stderr).toContain(`${qaPred}:1: id "q9" is not in ${qaGold}`);
  });

  it('unknown task, missing or unknown option → 2 with usage', () => {
    for (const args of [
      ['--task', 'regression', '--gold', classificationGold, '--pred', classificationGold],
      ['--task', 'ner', '--gold', classificationGold],
      ['--task', 'ner', '--gold', 'a', '--pred', 'b', '--bogus'],
    ]) {
      const run = evalInProcess(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('usage: npm run eval');
    }
    expect(evalInProcess(['--task', 'regression', '--gold', 'a', '--pred', 'b']).stderr).toContain('unknown task "regression"');
  });
});

describe.concurrent('npx tsx scripts/eval.ts (real process)', () => {
  it('prints expected.json for ner_en on stdout and exits 0', async () => {
    const run = await evalProcess(caseArgs('ner', 'ner_en'));
    expect(run.code).toBe(0);
    expectSameAsFixture('ner', 'ner_en', JSON.parse(run.stdout));
  }, SPAWN_TIMEOUT);

  it('exits 1 with the message on stderr for bad data', async () => {
    const missing = join(dir, 'missing.jsonl');
    const run = await evalProcess(['--task', 'qa', '--gold', missing, '--pred', missing]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`eval: ${missing}: no such file`);
  }, SPAWN_TIMEOUT);

  it('exits 2 on a usage error', async () => {
    const run = await evalProcess(['--task', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run eval');
  }, SPAWN_TIMEOUT);
});
