import { describe, expect, test } from 'vitest';
import { runStorageNeed, storageWarning } from '../../../src/estimate/storage';

describe('storage a run needs', () => {
  test('BERT-base full fine-tuning: weights, both moments and best weights, plus the HF checkpoint, twice', () => {
    const need = runStorageNeed(109_483_778, 109_483_778);
    expect(need.resumeBytes).toBe(109_483_778 * 16);
    expect(need.checkpointBytes).toBe(109_483_778 * 4);
    expect(need.totalBytes).toBe(2 * 109_483_778 * 20);
    // LoRA: moments only for the few trainable parameters.
    expect(runStorageNeed(1000, 10).resumeBytes).toBe(4000 + 80 + 4000);
  });

  test('warns when it does not fit, or takes most of what is free; silent otherwise or without an estimate', () => {
    const need = runStorageNeed(100e6, 100e6); // 4 GB in all
    expect(need.totalBytes).toBe(4e9);
    expect(storageWarning(need, { quota: 10e9, usage: 1e9 })).toBeNull();
    const tight = storageWarning(need, { quota: 10e9, usage: 5.5e9 });
    expect(tight).toBe('This run needs about 4.0 GB (resume state 1.6 GB and best checkpoint 0.40 GB, each twice while it is replaced) of browser storage, most of the 4.5 GB free for this site.');
    const short = storageWarning(need, { quota: 10e9, usage: 7e9 });
    expect(short).toMatch(/^This run needs about 4\.0 GB .* but only 3\.0 GB is free for this site: resume points and checkpoints may fail to save\./);
    // A resumed run replaces its own files: they count as free.
    expect(storageWarning(need, { quota: 10e9, usage: 7e9 }, 1.5e9)).toMatch(/most of the 4\.5 GB free/);
    expect(storageWarning(need, null)).toBeNull();
    expect(storageWarning(need, {})).toBeNull();
  });
});
