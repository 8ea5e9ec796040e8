/** `npm run tokenize`: argument parsing, output lines, and one real run of the script through tsx. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, parseInputLines, runTokenize } from '../../../scripts/tokenize.ts';
import { expected, TOKENIZER_DIR } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tokenize-cli-'));
const input = join(dir, 'input.jsonl');
writeFileSync(
  input,
  [
    JSON.stringify({ text: 'Hello, world!' }),
    '',
    JSON.stringify({ text: 'Who wrote it?', text_pair: 'Café naïve' }),
    JSON.stringify({ text: 'The quick brown fox jumps over the lazy dog.', text_pair: null }),
  ].join('\n'),
);

async function run(argv: string[]): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  await runTokenize(parseArgs(argv), (l) => lines.push(l));
  return lines.map((l) => JSON.parse(l));
}

describe('tokenize CLI', () => {
  it('prints ids, types, mask and offsets per line (BERT)', async () => {
    const out = await run(['--model', join(TOKENIZER_DIR, 'bert-base-uncased'), '--input', input]);
    expect(out.length).toBe(3);
    expect(out[0]).toEqual({
      input_ids: [101, 7592, 1010, 2088, 999, 102],
      token_type_ids: [0, 0, 0, 0, 0, 0],
      attention_mask: [1, 1, 1, 1, 1, 1],
      offsets: [null, [0, 5], [5, 6], [7, 12], [12, 13], null],
    });
    expect(out[1].token_type_ids).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(out[1].offsets).toEqual([null, [0, 3], [4, 9], [10, 12], [12, 13], null, [0, 4], [5, 10], null]);
  });

  it('--padding longest makes the file one batch; RoBERTa has no token_type_ids', async () => {
    const out = await run(['--model', join(TOKENIZER_DIR, 'roberta-base'), '--input', input, '--padding', 'longest', '--max-length', '32']);
    const batch = expected('roberta-base').batch;
    // The fox sentence is the longest row: 12 tokens, as in the fixture batch.
    expect(out[2].input_ids).toEqual(batch.input_ids[1].slice(0, 12));
    expect(out[0].input_ids).toEqual([...batch.input_ids[0].slice(0, 6), ...new Array(6).fill(1)]);
    expect(out.every((o) => (o.input_ids as number[]).length === 12)).toBe(true);
    expect(out.every((o) => !('token_type_ids' in o))).toBe(true);
    expect((out[0].offsets as unknown[]).slice(6).every((o) => o === null)).toBe(true);
  });

  it('--no-special-tokens, --truncation and --padding max_length', async () => {
    const model = join(TOKENIZER_DIR, 'bert-base-uncased');
    const bare = await run(['--model', model, '--input', input, '--no-special-tokens']);
    expect(bare[0].input_ids).toEqual([7592, 1010, 2088, 999]);
    const cut = await run(['--model', model, '--input', input, '--max-length', '7', '--truncation', 'only_second', '--padding', 'max_length']);
    expect(cut[1].input_ids).toEqual([101, 2040, 2626, 2009, 1029, 102, 102]);
    expect(cut[0].attention_mask).toEqual([1, 1, 1, 1, 1, 1, 0]);
  });

  it('rejects bad arguments and bad lines with their line number', () => {
    expect(() => parseArgs(['--model', 'x'])).toThrow(/usage/);
    expect(() => parseArgs(['--model', 'x', '--input', 'y', '--padding', 'wide'])).toThrow(/--padding must be one of/);
    expect(() => parseArgs(['--model', 'x', '--input', 'y', '--bogus'])).toThrow(/unknown argument --bogus/);
    expect(() => parseInputLines('{"text": "a"}\n{"txt": 1}', 'f.jsonl')).toThrow(/f\.jsonl:2: "text" must be a string/);
    expect(() => parseInputLines('{oops', 'f.jsonl')).toThrow(/f\.jsonl:1: invalid JSON/);
  });

  it('runs as `tsx scripts/tokenize.ts` (what npm run tokenize calls)', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/tokenize.ts', '--model', join(TOKENIZER_DIR, 'koelectra-base-v1'), '--input', input],
      { encoding: 'utf8', cwd: join(TOKENIZER_DIR, '../../../..') },
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(3);
    expect(lines[0].input_ids).toEqual(expected('koelectra-base-v1').entries[0].input_ids);
  });

  it('a folder of model folders is refused with the folders inside it named', async () => {
    await expect(run(['--model', TOKENIZER_DIR, '--input', input])).rejects.toThrow(
      /is not a model folder: it has no config\.json or tokenizer files; model folders inside it: .*bert-base-uncased/,
    );
  });
});
