/**
 * Out of memory mid-run (issue 15): the error names the run's batch size and length, the estimate and the
 * adapter's buffer limit, and the hint lists what to lower with what each would need; the last resume point is
 * kept. The allocation failure is raised by the batch source at step 3, as WebGPU's would surface.
 */
import { beforeAll, expect, test } from 'vitest';
import { FeatureBatches, type BatchSource } from '../../../src/train/batches.ts';
import { FIXTURE_LABELS, fixtureFeatures, fixtureModel, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

test('an allocation failure at step 3 becomes an out_of_memory error with numbers and options; the step-2 resume point stays', async () => {
  const features = await fixtureFeatures();
  const inner = new FeatureBatches(features, { batchSize: 2, shuffle: true, seed: 7, labelKind: 'class' });
  let drawn = 0;
  const train: BatchSource = {
    batchesPerEpoch: inner.batchesPerEpoch,
    batch(epoch, index) {
      if (++drawn === 3) throw new Error('Failed to allocate buffer of 1073741824 bytes');
      return inner.batch(epoch, index);
    },
  };
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  try {
    const run = await runTrainer({
      model, task: 'classification', labels: FIXTURE_LABELS, train, trainFeatures: features, keepResumeState: true,
      config: { batchSize: 2, maxSteps: 6, evalStrategy: 'no', loggingSteps: 1, resumeEverySteps: 2, resumeEveryMinutes: 0 },
    });
    expect(run.outcome).toBe('failed');
    const err = run.events.find((e) => e.type === 'error') as { kind: string; message: string; hint: string; step: number };
    expect(err.kind).toBe('out_of_memory');
    expect(err.step).toBe(2);
    expect(err.message).toMatch(/^GPU out of memory at batch size 2 × max length 16 \(Failed to allocate buffer of 1073741824 bytes\)\. Estimated need: [\d.]+ GiB/);
    expect(err.message).toMatch(/this GPU allows [\d.]+ GiB per buffer/);
    expect(err.hint).toMatch(/batch size 1 with gradient accumulation 2 .*; mixed precision: ~.*; LoRA/);
    expect(run.events.filter((e) => e.type === 'resumePoint').map((e) => (e as { step: number }).step)).toEqual([2]);
  } finally {
    model.dispose();
  }
});
