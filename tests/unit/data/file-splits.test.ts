import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFiles } from '../../../src/data/pipeline.ts';
import { DataSession } from '../../../src/data/session.ts';
import { DEFAULT_VALIDATION_FRACTION, explainSplits, SPLIT_SEED } from '../../../src/data/split.ts';
import { parseTrainFiles } from '../../../scripts/lib/train-data.ts';
import { DATA, fixture } from './helpers.ts';

/** The newcomer's case (issue 15): one `…_dev.jsonl` dropped alone must train, with the usual hold-out. */
const DEV = 'en_ner_wnut17_dev.sample.jsonl';
const HOLD_OUT = { validation: DEFAULT_VALIDATION_FRACTION, test: 0, seed: SPLIT_SEED };

describe('explainSplits', () => {
  it('says why each file got its split: chosen, from its name, or by order', () => {
    expect(explainSplits([{ name: 'data/dev.jsonl' }, { name: 'b.csv' }, { name: 'c.csv', split: 'test' }])).toEqual([
      { split: 'validation', why: 'its name contains "dev"' },
      { split: 'train', why: 'no split in its name; the first such file trains' },
      { split: 'test', why: 'chosen explicitly' },
    ]);
  });

  it('a lone dev-named file trains, and the reason names what its name suggested', () => {
    const [only] = explainSplits([{ name: 'wnut17_dev.jsonl' }]);
    expect(only.split).toBe('train');
    expect(only.why).toContain('its name suggests validation ("dev")');
    expect(only.why).toContain('no file was in the train split');
  });

  it('files without a split in their names fill the free splits in order', () => {
    expect(explainSplits([{ name: 'a.csv' }, { name: 'b.csv' }, { name: 'c.csv' }, { name: 'd.csv' }])).toEqual([
      { split: 'train', why: 'no split in its name; the first such file trains' },
      { split: 'validation', why: 'no split in its name; validation was the next free split' },
      { split: 'test', why: 'no split in its name; test was the next free split' },
      { split: 'train', why: 'no split in its name, and every split was taken, so it joins train' },
    ]);
  });

  it('several name-guessed non-training files: the first one trains, the others keep their guess', () => {
    const [a, b] = explainSplits([{ name: 'a_valid.csv' }, { name: 'b_test.csv' }]);
    expect([a.split, b.split]).toEqual(['train', 'test']);
    expect(a.why).toBe('its name suggests validation ("valid"), but no file was in the train split, so the first file trains and part of its rows is held out');
    // Another file still validates: nothing is held out of the first.
    const [c, d] = explainSplits([{ name: 'a_dev.csv' }, { name: 'b_dev.csv' }]);
    expect([c.split, d.split]).toEqual(['train', 'validation']);
    expect(c.why).toBe('its name suggests validation ("dev"), but no file was in the train split, so the first file trains');
  });

  it('an explicit choice is never overridden, even when nothing trains', () => {
    expect(explainSplits([{ name: 'x.jsonl', split: 'validation' }])).toEqual([{ split: 'validation', why: 'chosen explicitly' }]);
  });
});

describe('a single dev-named file (page and CLI)', () => {
  it('the page: no split given, the file trains and 10% of it is held out for validation', async () => {
    const session = new DataSession();
    const summary = await session.parse([{ source: fixture(DATA, DEV) }], { split: HOLD_OUT });
    expect(summary.error).toBeUndefined();
    expect(summary.files[0]).toMatchObject({ file: DEV, split: 'train', rows: 20, valid: 20 });
    expect(summary.files[0].splitWhy).toMatch(/^its name suggests validation \("dev"\), but no file was in the train split/);
    expect(summary.splits).toEqual({ train: 18, validation: 2, test: 0 });
  });

  it('npm run train --data on the same file gives the same splits as the page', async () => {
    const cli = await parseTrainFiles([{ path: join(DATA, DEV), split: 'train' }], 'ner', HOLD_OUT).catch((e: Error) => e);
    // As the training file, every row defines the tag set, so the CLI (which refuses any row error) accepts all 20.
    expect(cli).not.toBeInstanceOf(Error);
    const session = new DataSession();
    await session.parse([{ source: fixture(DATA, DEV) }], { split: HOLD_OUT });
    const page = session.result!.examples;
    const { examples } = cli as Exclude<typeof cli, Error>;
    expect(examples.train).toEqual(page.train);
    expect(examples.validation).toEqual(page.validation);
  });

  it('a file the user put in validation alone: the message names it, its split, why, and how to change it', async () => {
    const r = await parseFiles([{ source: fixture(DATA, DEV), split: 'validation' }]);
    expect(r.error).toBe(
      `no training examples: no file is in the train split. ${DEV} is in validation (chosen explicitly). ` +
        "To change a split, pick it in the file's Split menu (npm run train: --data is the training file)",
    );
  });
});
