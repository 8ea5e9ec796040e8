/**
 * LoRA through the real Trainer (not the parity harness) against PEFT 0.3.0's trajectory (`bert-seqcls-lora-train`):
 * the run's own TrainConfig `lora` (r 4, α 8, query/value, pooler frozen as PEFT's SEQ_CLS), its plan, schedule,
 * clipping over the trainable gradients and AdamW; only PEFT's initial A matrices come from the case. Then the
 * export a studio run downloads (LoRA merged) against PEFT's merge_and_unload().
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { LoraAdapter } from '../../../src/engine/lora.ts';
import { parseSafetensors, toFloat32 } from '../../../src/engine/safetensors.ts';
import type { ArrayJson } from '../../../src/parity/caseFile.ts';
import { mergeLoraValues } from '../../../src/train/checkpoints.ts';
import { expectSeriesClose, fixture, fixtureBatches, fixtureCase, fixtureModel, fixtureTrajectoryConfig, FIXTURE_LABELS, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

const NAME = 'bert-seqcls-lora-train';

test('the Trainer with a lora config follows PEFT step by step, and its merged export equals PEFT merge_and_unload()', async () => {
  const c = await fixtureCase(NAME);
  const model = await fixtureModel(NAME, 'seqcls');
  const lora = { rank: c.lora!.r, alpha: c.lora!.lora_alpha, dropout: 0, targetModules: c.lora!.target_modules, trainPooler: false };
  // The adapter the Trainer would create (prepareModel keeps one that exists), with PEFT's A; B starts at 0.
  model.lora = new LoraAdapter(model.specs, { ...lora, seed: 0 });
  for (const [name, a] of Object.entries(c.initial_lora as Record<string, ArrayJson>)) {
    tf.tidy(() => model.lora!.variables.get(name.replace(/^base_model\.model\./, ''))!.assign(tf.tensor(a.data, a.shape, 'float32')));
  }
  try {
    const { steps, outcome } = await runTrainer({
      model,
      task: 'classification',
      labels: FIXTURE_LABELS,
      train: fixtureBatches(c),
      config: { ...fixtureTrajectoryConfig(c), lora },
    });
    expect(outcome).toBe('completed');
    const t = c.trajectory!;
    expectSeriesClose(steps.map((s) => s.lr), t.lr, 1e-6, 'lr');
    expectSeriesClose(steps.map((s) => s.loss), t.loss, 1e-4, 'loss');
    // The norm clipping sees: over the trainable gradients only (the factors and the classifier), as PEFT's optimizer.
    expectSeriesClose(steps.map((s) => s.gradNorm), t.grad_norm, 1e-4, 'grad_norm');
    // The pooler stayed frozen: it is bit-identical to the checkpoint's.
    const values = new Map<string, Float32Array>();
    for (const [name, v] of model.variables()) values.set(name, (await v.data()) as Float32Array);
    const initial = parseSafetensors((await fixture(NAME).read('model.safetensors'))!).tensors;
    expect(values.get('bert.pooler.dense.weight')).toEqual(toFloat32(initial.get('bert.pooler.dense.weight')!));
    const merged = mergeLoraValues(values, model);
    const peft = parseSafetensors((await fixture(NAME).read('final_model.safetensors'))!).tensors;
    let worst = 0;
    for (const [name, mine] of merged) {
      const ref = toFloat32(peft.get(name)!)!;
      const scale = Math.max(...ref.map(Math.abs));
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(mine[i] - ref[i]) / scale);
    }
    expect(worst).toBeLessThan(1e-4);
  } finally {
    model.dispose();
  }
});
