/**
 * A LoRA trajectory made with PEFT (`bert-seqcls-lora-train`, see the fixtures' README "LoRA trajectory"), run
 * through the path a studio run takes: the TrainConfig's `lora` (rank, alpha, targets, the pooler frozen as
 * PEFT's SEQ_CLS leaves it), prepareModel and makePlan (what trains, weight decay groups, the schedule), then
 * trainStep per step; only the adapters' A matrices are taken from the case (PEFT draws them from torch's RNG).
 * Checked: lr, loss and grad norm per step; every trainable tensor after step 20; and the merged export (what
 * Export downloads) against `final_model.safetensors`, PEFT's `merge_and_unload()`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../engine/checkpoint';
import { parseSafetensors, toFloat32 } from '../engine/safetensors';
import type { FileSource } from '../hub/source';
import { mergeLoraValues } from '../train/checkpoints';
import { resolveTrainConfig } from '../train/config';
import { makePlan, prepareModel } from '../train/plan';
import { lrAtStep } from '../train/schedule';
import { trainStep } from '../train/step';
import { batchFromCase, disposeBatch, type ArrayJson, type CaseJson } from './caseFile';
import { checkSeries, checkWeights, type QuantityCheck, type Tolerances } from './compare';

export interface LoraCaseJson {
  r: number;
  lora_alpha: number;
  target_modules: string[];
}

/** PEFT's adapter-file names (`base_model.model.<module>.lora_A.weight`) → ours (`<module>.lora_A.weight`). */
const ourName = (peft: string) => peft.replace(/^base_model\.model\./, '');

export async function loraTrajectoryCase(source: FileSource, c: CaseJson & { lora: LoraCaseJson; initial_lora: Record<string, ArrayJson> }, tol: Tolerances): Promise<QuantityCheck[]> {
  const { model } = await loadModel(source, { head: 'seqcls' });
  const traj = c.trajectory!;
  const config = resolveTrainConfig({
    learningRate: c.optimizer!.lr,
    weightDecay: c.optimizer!.weight_decay,
    adamBeta1: c.optimizer!.betas[0],
    adamBeta2: c.optimizer!.betas[1],
    adamEpsilon: c.optimizer!.eps,
    maxSteps: traj.step.length,
    warmupSteps: c.schedule!.num_warmup_steps ?? 0,
    schedule: 'linear',
    maxGradNorm: c.clipping?.max_norm ?? 0,
    batchSize: 1,
    lora: { rank: c.lora.r, alpha: c.lora.lora_alpha, dropout: 0, targetModules: c.lora.target_modules, trainPooler: false },
  });
  prepareModel(model, config);
  const batches = c.inputs.batches!.map((b) => batchFromCase(b, c.head));
  const plan = makePlan(model, config, 'classification', [], batches.length, null);
  try {
    // PEFT's initial A (B starts at 0 on both sides).
    for (const [name, a] of Object.entries(c.initial_lora)) {
      const v = model.lora!.variables.get(ourName(name));
      if (!v) throw new Error(`case ${c.case}: our adapter has no ${ourName(name)}`);
      tf.tidy(() => v.assign(tf.tensor(a.data, a.shape, 'float32')));
    }
    const lrs: number[] = [];
    const losses: number[] = [];
    const norms: number[] = [];
    for (let k = 1; k <= traj.step.length; k++) {
      const lr = lrAtStep(plan.schedule, k);
      const { loss, gradNorm } = trainStep(model, plan.optimizer, batches[(k - 1) % batches.length], {
        lr,
        maxGradNorm: config.maxGradNorm,
        trainable: plan.trainable,
        loss: plan.loss.options,
      });
      lrs.push(lr);
      losses.push((await loss.data())[0]);
      norms.push((await gradNorm.data())[0]);
      tf.dispose([loss, gradNorm]);
    }
    const trained = new Map<string, Float32Array>();
    for (const [name, v] of model.variables()) if (plan.trainable.has(name)) trained.set(name, (await v.data()) as Float32Array);
    const refTrained = new Map(Object.entries(c.final_params ?? {}).map(([k, a]) => [ourName(k), a.data]));
    const merged = mergeLoraValues(await readAll(model), model);
    const refMerged = new Map<string, ArrayLike<number>>();
    for (const [name, t] of parseSafetensors((await source.read('final_model.safetensors'))!).tensors) {
      const f = toFloat32(t);
      if (f && merged.has(name)) refMerged.set(name, f);
    }
    const trainedCheck = checkWeights(trained, refTrained, new Set(), tol);
    const mergedCheck = checkWeights(merged, refMerged, new Set(), tol);
    return [
      checkSeries('lr', lrs, traj.lr, 1e-6),
      checkSeries('loss', losses, traj.loss, tol.series),
      checkSeries('grad_norm', norms, traj.grad_norm, tol.series),
      { ...trainedCheck, quantity: 'trained_params', pass: trainedCheck.pass && trained.size === refTrained.size },
      { ...mergedCheck, quantity: 'merged_export' },
    ];
  } finally {
    batches.forEach(disposeBatch);
    plan.optimizer.dispose();
    plan.loss.dispose();
    model.dispose();
  }
}

/** Every variable's values, parameters and adapters (what a snapshot holds). */
async function readAll(model: Awaited<ReturnType<typeof loadModel>>['model']): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.variables()) out.set(name, (await v.data()) as Float32Array);
  return out;
}
