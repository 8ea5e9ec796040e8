/**
 * Device loss (issue 15): the GPUDevice is destroyed mid-run, as a driver reset or a GPU-process crash would lose
 * it. The train worker's session takes a new adapter and device, reloads the model, continues from the latest
 * resume point and finishes with the same weights as an uninterrupted run (dropout 0: the fixture model's).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, test } from 'vitest';
import { parseSafetensors, toFloat32 } from '../../../src/engine/safetensors.ts';
import type { TrainCommand, TrainEvent } from '../../../src/protocol/train.ts';
import { TrainSession } from '../../../src/train/session.ts';
import { FIXTURE_LABELS, fixtureFeatures, webgpu } from './helpers.ts';

beforeAll(webgpu);

const CONFIG = { learningRate: 2e-3, batchSize: 2, maxSteps: 10, loggingSteps: 1, evalStrategy: 'no' as const, seed: 7, resumeEverySteps: 3, resumeEveryMinutes: 0 };

/** One run through the session the worker uses; `onStep` may break the device. Returns its events and final weights. */
async function run(onStep?: (step: number) => void): Promise<{ events: TrainEvent[]; weights: Map<string, Float32Array> }> {
  const events: TrainEvent[] = [];
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  const session = new TrainSession((e) => {
    events.push(e);
    if (e.type === 'step') onStep?.(e.step);
    if (e.type === 'done' || (e.type === 'state' && e.state === 'failed')) finished();
  });
  const features = await fixtureFeatures();
  const start: TrainCommand = {
    type: 'start',
    model: { kind: 'url', baseUrl: '/tests/fixtures/hf-reference/bert-seqcls-train/', label: 'fixture' },
    data: { task: 'classification', labels: FIXTURE_LABELS, train: features },
    config: CONFIG,
    resumable: true,
    kernels: 'flat',
  };
  await session.handle(start);
  await done;
  await session.handle({ type: 'export', requestId: 1, kind: 'best' });
  const exported = events.find((e): e is Extract<TrainEvent, { type: 'exported'; kind: 'best' }> => e.type === 'exported' && e.kind === 'best');
  expect(exported, JSON.stringify(events.filter((e) => e.type === 'error'))).toBeDefined();
  const bytes = exported!.files['model.safetensors'];
  const { tensors } = parseSafetensors(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return { events, weights: new Map([...tensors].map(([k, t]) => [k, toFloat32(t)!])) };
}

test('the device is destroyed at step 5: a new one is taken, the run continues from step 3 and ends with the uninterrupted weights', async () => {
  const plain = await run();
  expect(plain.events.find((e) => e.type === 'done')).toMatchObject({ reason: 'completed', step: 10 });

  let destroyed = false;
  const lost = await run((step) => {
    if (step === 5 && !destroyed) {
      destroyed = true;
      (tf.backend() as WebGPUBackend).device.destroy();
    }
  });
  const recovered = lost.events.filter((e) => e.type === 'recovered');
  expect(recovered).toEqual([expect.objectContaining({ from: 3, attempt: 1, of: 3 })]);
  expect((recovered[0] as { lostAt: number }).lostAt).toBeGreaterThanOrEqual(5);
  expect(lost.events.some((e) => e.type === 'error')).toBe(false);
  expect(lost.events.find((e) => e.type === 'done')).toMatchObject({ reason: 'completed', step: 10 });
  // Steps 4 and 5 were trained again after the recovery, with the same losses.
  const losses = (events: TrainEvent[]) => new Map(events.filter((e) => e.type === 'step').map((e) => [(e as { step: number }).step, (e as { loss: number }).loss]));
  const [a, b] = [losses(plain.events), losses(lost.events)];
  for (let s = 1; s <= 10; s++) expect(Math.abs(b.get(s)! - a.get(s)!)).toBeLessThan(1e-6 * Math.abs(a.get(s)!));
  let worst = 0;
  for (const [name, w] of plain.weights) {
    const v = lost.weights.get(name)!;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - v[i]));
  }
  console.log(`device loss at step ${(recovered[0] as { lostAt: number }).lostAt}, continued from 3: final weights max |Δ| ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-6);
});
