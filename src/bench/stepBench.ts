/**
 * Measures one full training step (forward + backward + clip + AdamW) of a randomly initialised
 * BERT-family model on the current TF.js backend: median time, GPU dispatches, and memory.
 */
import * as tf from '@tensorflow/tfjs';
import { initialValue } from '../engine/checkpoint';
import { parseEncoderConfig, type HfConfig } from '../engine/config';
import { BertFamilyModel } from '../engine/model';
import { modelSpecs } from '../engine/names';
import { rng } from '../engine/random';
import { AdamW } from '../train/adamw';
import { weightDecayByName } from '../train/paramGroups';
import { trainStep, type Batch } from '../train/step';
import { kernelChoices, kernelMode, type KernelChoice, type KernelMode } from '../engine/kernels/select';

export interface BenchShape {
  name: string;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  vocab: number;
  batch: number;
  seq: number;
}

export const BENCH_SHAPES: Record<string, BenchShape> = {
  tiny: { name: 'tiny', hidden: 32, layers: 2, heads: 2, intermediate: 64, vocab: 4000, batch: 16, seq: 32 },
  /** BERT-Mini (google/bert_uncased_L-4_H-256_A-4) at a fine-tuning batch. */
  mini: { name: 'mini', hidden: 256, layers: 4, heads: 4, intermediate: 1024, vocab: 30522, batch: 8, seq: 128 },
  small: { name: 'small', hidden: 128, layers: 2, heads: 2, intermediate: 512, vocab: 8000, batch: 8, seq: 64 },
  base: { name: 'base', hidden: 768, layers: 12, heads: 12, intermediate: 3072, vocab: 30522, batch: 2, seq: 64 },
};

export interface StepBenchResult {
  shape: BenchShape;
  backend: string;
  parameters: number;
  warmup: number;
  steps: number;
  medianMs: number;
  minMs: number;
  /** GPU compute dispatches in one step (webgpu only). */
  dispatchesPerStep: number | null;
  /** Tensor bytes alive on the backend after the steps, and bytes the WebGPU buffer pool holds. */
  bytesInUse: number;
  bytesAllocated: number | null;
  /** Tensors alive after the last step minus after the first: 0 means nothing leaks per step. */
  tensorGrowth: number;
  /** Kernel mode of the run ('tfjs' = plain TF.js ops) and the variant each op ran, per shape key. */
  kernelMode: KernelMode;
  kernels: KernelChoice[];
  /** Autotuning time before the timed steps (mode auto), ms. */
  tuneMs: number;
}

export interface BenchOptions {
  /** Called once with the model before the warm-up (the autotuner runs here in mode auto). */
  prepare?: (model: BertFamilyModel) => Promise<void>;
}

let dispatches = 0;
let patched = false;

/** Counts every dispatchWorkgroups call the page makes; cheaper and exacter than tf.profile. */
function countDispatches(): void {
  if (patched || typeof GPUComputePassEncoder === 'undefined') return;
  const proto = GPUComputePassEncoder.prototype;
  const original = proto.dispatchWorkgroups;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof original>) {
    dispatches++;
    return original.apply(this, args);
  };
  patched = true;
}

export function randomModel(s: BenchShape, seed: number): BertFamilyModel {
  const hf: HfConfig = {
    model_type: 'bert',
    architectures: ['BertForSequenceClassification'],
    vocab_size: s.vocab,
    hidden_size: s.hidden,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    intermediate_size: s.intermediate,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    initializer_range: 0.02,
    id2label: { '0': 'a', '1': 'b' },
  };
  const enc = parseEncoderConfig(hf);
  const random = rng(seed);
  const values = new Map(modelSpecs(enc, 'seqcls', 2).map((spec) => [spec.name, initialValue(spec, 0.02, random)]));
  return new BertFamilyModel(enc, 'seqcls', 2, 'single_label_classification', hf, values);
}

export function randomBatch(s: BenchShape, seed: number): Batch {
  const random = rng(seed);
  const ids = Int32Array.from({ length: s.batch * s.seq }, () => 5 + Math.floor(random() * (s.vocab - 5)));
  return {
    inputs: {
      inputIds: tf.tensor2d(ids, [s.batch, s.seq], 'int32'),
      attentionMask: tf.ones([s.batch, s.seq], 'int32') as tf.Tensor2D,
    },
    labels: { labels: tf.tensor1d(Int32Array.from({ length: s.batch }, (_, i) => i % 2), 'int32') },
  };
}

export async function benchStep(shape: BenchShape, warmup: number, steps: number, opts: BenchOptions = {}): Promise<StepBenchResult> {
  countDispatches();
  const model = randomModel(shape, 1);
  const tune0 = performance.now();
  await opts.prepare?.(model);
  const tuneMs = performance.now() - tune0;
  const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0.01));
  const batch = randomBatch(shape, 2);
  const times: number[] = [];
  let perStep: number | null = null;
  let tensorsAfterFirst = 0;
  const run = async (i: number) => {
    const before = dispatches;
    const t0 = performance.now();
    const { loss, gradNorm } = trainStep(model, optimizer, batch, { lr: 1e-4, maxGradNorm: 1, seed: i });
    await loss.data(); // waits for the GPU queue: the step is done
    const ms = performance.now() - t0;
    tf.dispose([loss, gradNorm]);
    return { ms, dispatched: dispatches - before };
  };
  for (let i = 0; i < warmup; i++) {
    await run(i);
    if (i === 0) tensorsAfterFirst = tf.memory().numTensors;
  }
  for (let i = 0; i < steps; i++) {
    const r = await run(warmup + i);
    times.push(r.ms);
    if (tf.getBackend() === 'webgpu') perStep = r.dispatched;
  }
  const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  const result: StepBenchResult = {
    shape,
    backend: tf.getBackend(),
    parameters: model.numParameters,
    warmup,
    steps,
    medianMs: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)],
    minMs: Math.min(...times),
    dispatchesPerStep: perStep,
    bytesInUse: mem.numBytesInGPU ?? mem.numBytes,
    bytesAllocated: mem.numBytesAllocatedInGPU ?? null,
    tensorGrowth: mem.numTensors - tensorsAfterFirst,
    kernelMode: tf.getBackend() === 'webgpu' ? kernelMode() : 'tfjs',
    kernels: tf.getBackend() === 'webgpu' ? kernelChoices() : [],
    tuneMs,
  };
  tf.dispose([batch.inputs.inputIds, batch.inputs.attentionMask, batch.labels.labels!]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/** Kernel names and counts of one training step (tf.profile), most frequent first. */
export async function profileStep(shape: BenchShape): Promise<string> {
  const model = randomModel(shape, 1);
  const optimizer = new AdamW(model.params, weightDecayByName(model.specs, 0.01));
  const batch = randomBatch(shape, 2);
  const one = () => {
    const { loss, gradNorm } = trainStep(model, optimizer, batch, { lr: 1e-4, maxGradNorm: 1, seed: 1 });
    return tf.stack([loss, gradNorm]);
  };
  const w = one();
  await w.data();
  w.dispose();
  const info = await tf.profile(() => one());
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join('\n');
}
