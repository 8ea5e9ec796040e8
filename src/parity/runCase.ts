/**
 * Runs one hf-reference case folder through the engine on the current TF.js backend and checks every
 * quantity against Hugging Face's numbers. Works for forward/backward cases and `*-train` trajectories.
 */
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../engine/checkpoint';
import { kernelMode } from '../engine/kernels/select';
import type { BertFamilyModel } from '../engine/model';
import { autotuneModel } from '../engine/tuning';
import type { HeadKind } from '../engine/config';
import { parseSafetensors, toFloat32 } from '../engine/safetensors';
import { readJson, type FileSource } from '../hub/source';
import { AdamW } from '../train/adamw';
import { weightDecayByName } from '../train/paramGroups';
import { lrAtStep, type ScheduleConfig } from '../train/schedule';
import { trainStep } from '../train/step';
import { batchFromCase, disposeBatch, type ArrayJson, type CaseJson } from './caseFile';
import { loraTrajectoryCase } from './loraCase';
import { checkGradients, checkOutput, checkSeries, checkWeights, F32_TOLERANCES, MIXED_TOLERANCES, type QuantityCheck, type Tolerances } from './compare';
import { mixedPrecision, setMixedPrecision } from '../engine/kernels/precision';

export interface CaseReport {
  name: string;
  kind: 'forward' | 'trajectory';
  checks: QuantityCheck[];
  pass: boolean;
  seconds: number;
}

const HEADS: Record<string, HeadKind> = { seqcls: 'seqcls', multilabel: 'seqcls', qa: 'qa', tokcls: 'tokcls', mlm: 'mlm' };

function headOf(c: CaseJson): HeadKind {
  const h = HEADS[c.head];
  if (!h) throw new Error(`case ${c.case}: unknown head "${c.head}"`);
  return h;
}

/** Runs `f` with mixed precision set as asked (the engine reads a module flag, as torch.autocast a context). */
async function withMixedPrecisionAsync<T>(enabled: boolean, f: () => Promise<T>): Promise<T> {
  const before = mixedPrecision();
  setMixedPrecision(enabled);
  try {
    return await f();
  } finally {
    setMixedPrecision(before);
  }
}

/** In kernel mode 'auto' the case runs with the variants the autotuner picks for its shapes, as a run would. */
async function tuneFor(model: BertFamilyModel, batches: { inputs: { inputIds: tf.Tensor2D } }[]): Promise<void> {
  if (kernelMode() !== 'auto') return;
  const [B, T] = batches[0].inputs.inputIds.shape;
  await autotuneModel(model, B, [T], { persist: false });
}

async function forwardCase(source: FileSource, c: CaseJson, tol: Tolerances): Promise<QuantityCheck[]> {
  const { model } = await loadModel(source, { head: headOf(c) });
  const batch = batchFromCase(c.inputs, c.head);
  await tuneFor(model, [batch]);
  const checks: QuantityCheck[] = [];
  try {
    const refs = c.outputs ?? {};
    const out = model.forward(batch.inputs, { outputHiddenStates: true, outputAttentions: true });
    const ours: Record<string, tf.Tensor | tf.Tensor[] | undefined> = {
      logits: out.logits,
      start_logits: out.startLogits,
      end_logits: out.endLogits,
      last_hidden_state: out.lastHiddenState,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    };
    for (const [key, ref] of Object.entries(refs)) {
      if (key === 'loss') continue;
      const mine = ours[key];
      if (!mine) {
        checks.push({ quantity: key, worst: Infinity, pass: false, detail: 'not produced by the engine' });
        continue;
      }
      const refList = Array.isArray(ref) ? ref : [ref];
      const mineList = Array.isArray(mine) ? mine : [mine];
      if (refList.length !== mineList.length) {
        checks.push({ quantity: key, worst: Infinity, pass: false, detail: `${mineList.length} tensors, expected ${refList.length}` });
        continue;
      }
      // Lists (hidden states per layer) are checked tensor by tensor; the worst one is reported.
      let worst: QuantityCheck | null = null;
      for (let i = 0; i < refList.length; i++) {
        const r = checkOutput(key, await mineList[i].data(), refList[i].data, tol);
        if (Array.isArray(ref)) r.where = `[${i}]`;
        if (!worst || (worst.pass && (!r.pass || r.worst > worst.worst))) worst = r;
      }
      checks.push(worst!);
    }
    tf.dispose(Object.values(out).flat() as tf.Tensor[]);

    const { loss, grads } = model.lossAndGradients(batch.inputs, batch.labels);
    const refLoss = refs.loss as unknown as number | ArrayJson;
    checks.push(checkOutput('loss', await loss.data(), typeof refLoss === 'number' ? [refLoss] : refLoss.data, tol));
    const ourGrads = new Map<string, ArrayLike<number>>();
    for (const [name, g] of grads) ourGrads.set(name, await g.data());
    const refGrads = new Map(Object.entries(c.grads ?? {}).map(([k, v]) => [k, v.data]));
    checks.push(checkGradients(ourGrads, refGrads, tol));
    tf.dispose([loss, ...grads.values()]);
  } finally {
    disposeBatch(batch);
    model.dispose();
  }
  return checks;
}

async function trajectoryCase(source: FileSource, c: CaseJson, tol: Tolerances): Promise<QuantityCheck[]> {
  const { model } = await loadModel(source, { head: headOf(c) });
  const opt = c.optimizer!;
  const traj = c.trajectory!;
  const schedule: ScheduleConfig = {
    kind: scheduleKind(c.schedule!.function),
    lr: opt.lr,
    warmupSteps: c.schedule!.num_warmup_steps ?? 0,
    totalSteps: c.schedule!.num_training_steps ?? traj.step.length,
    ...(c.schedule!.num_cycles !== undefined ? { numCycles: c.schedule!.num_cycles } : {}),
  };
  const optimizer = new AdamW(model.params, weightDecayByName(model.specs, opt.weight_decay, opt.param_groups), {
    beta1: opt.betas[0],
    beta2: opt.betas[1],
    eps: opt.eps,
  });
  const batches = c.inputs.batches!.map((b) => batchFromCase(b, c.head));
  await tuneFor(model, batches);
  const lrs: number[] = [];
  const losses: number[] = [];
  const norms: number[] = [];
  try {
    for (let k = 1; k <= traj.step.length; k++) {
      const lr = lrAtStep(schedule, k);
      const { loss, gradNorm } = trainStep(model, optimizer, batches[(k - 1) % batches.length], {
        lr,
        maxGradNorm: c.clipping?.max_norm ?? 0,
      });
      lrs.push(lr);
      losses.push((await loss.data())[0]);
      norms.push((await gradNorm.data())[0]);
      tf.dispose([loss, gradNorm]);
    }
    // final_model.safetensors when present (exact float32), else the case's final_params.
    const ref = new Map<string, ArrayLike<number>>();
    const finalBytes = await source.read('final_model.safetensors');
    if (finalBytes) {
      for (const [name, t] of parseSafetensors(finalBytes).tensors) {
        const f = toFloat32(t);
        if (f && model.params.has(name)) ref.set(name, f);
      }
    } else if (c.final_params) {
      for (const [name, a] of Object.entries(c.final_params)) ref.set(name, a.data);
    } else {
      throw new Error(`case ${c.case}: neither final_model.safetensors nor final_params`);
    }
    const ours = await model.readParams();
    return [
      checkSeries('lr', lrs, traj.lr, 1e-6),
      checkSeries('loss', losses, traj.loss, tol.series),
      checkSeries('grad_norm', norms, traj.grad_norm, tol.series),
      checkWeights(ours, ref, new Set(c.noise_driven_params ?? []), tol),
    ];
  } finally {
    batches.forEach(disposeBatch);
    optimizer.dispose();
    model.dispose();
  }
}

/** transformers' schedule function name → our schedule kind. */
function scheduleKind(fn: string): ScheduleConfig['kind'] {
  if (fn.includes('cosine')) return 'cosine';
  if (fn.includes('constant_schedule_with_warmup')) return 'constant_with_warmup';
  if (fn.includes('constant')) return 'constant';
  if (fn.includes('linear')) return 'linear';
  throw new Error(`unsupported schedule ${fn}`);
}

export interface ParityOptions {
  /** Run the case in mixed precision (f16-rounded matmul inputs and saved activations) at MIXED_TOLERANCES. */
  mixedPrecision?: boolean;
}

export async function runParityCase(source: FileSource, name: string, opts: ParityOptions = {}): Promise<CaseReport> {
  const t0 = performance.now();
  const c = await readJson<CaseJson>(source, 'case.json');
  if (!c) throw new Error(`${source.label}: case.json not found`);
  const kind = c.trajectory ? 'trajectory' : 'forward';
  const tol = opts.mixedPrecision ? MIXED_TOLERANCES : F32_TOLERANCES;
  const mixed = opts.mixedPrecision ?? false;
  const run = () => {
    if (c.lora && c.initial_lora) return loraTrajectoryCase(source, { ...c, lora: c.lora, initial_lora: c.initial_lora }, tol);
    return kind === 'trajectory' ? trajectoryCase(source, c, tol) : forwardCase(source, c, tol);
  };
  const checks = await withMixedPrecisionAsync(mixed, run);
  return { name, kind, checks, pass: checks.every((q) => q.pass), seconds: (performance.now() - t0) / 1000 };
}
