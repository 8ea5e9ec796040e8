/**
 * Best and last-good weights kept on the CPU (a Map of Float32Arrays, so GPU memory stays flat), put back
 * into the model at the end or after a failure, and exported in Hugging Face format with LoRA merged.
 */
import * as tf from '@tensorflow/tfjs';
import type { BertFamilyModel } from '../engine/model';
import { exportCheckpoint } from '../export/checkpoint';
import type { FileSource } from '../hub/source';

export interface Snapshot {
  step: number;
  /** Metric that selected it (best) or the one reported at that evaluation (last). */
  metric: string;
  value: number;
  /** Every trainable-or-not variable by name: parameters and LoRA factors. */
  values: Map<string, Float32Array>;
}

export async function captureWeights(model: BertFamilyModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.variables()) out.set(name, (await v.data()) as Float32Array);
  return out;
}

export function restoreWeights(model: BertFamilyModel, values: ReadonlyMap<string, Float32Array>): void {
  for (const [name, v] of model.variables()) {
    const data = values.get(name);
    if (!data) throw new Error(`checkpoint has no value for ${name}`);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
  }
}

/** W + (alpha/r)·B·A for every adapted weight, on the CPU; adapter tensors are dropped. */
export function mergeLoraValues(values: ReadonlyMap<string, Float32Array>, model: BertFamilyModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [n, v] of values) if (!n.includes('.lora_A.') && !n.includes('.lora_B.')) out.set(n, v);
  const lora = model.lora;
  if (!lora) return out;
  const shapes = new Map(model.specs.map((s) => [s.name, s.shape]));
  for (const target of lora.targets) {
    const module = target.slice(0, -'.weight'.length);
    const a = values.get(`${module}.lora_A.weight`);
    const b = values.get(`${module}.lora_B.weight`);
    const w = values.get(target);
    if (!a || !b || !w) throw new Error(`LoRA merge: missing tensors for ${target}`);
    const [outDim, inDim] = shapes.get(target)!;
    const r = a.length / inDim;
    const merged = Float32Array.from(w);
    for (let o = 0; o < outDim; o++) {
      for (let k = 0; k < r; k++) {
        const bok = b[o * r + k] * lora.scale;
        if (bok === 0) continue;
        const row = k * inDim;
        for (let i = 0; i < inDim; i++) merged[o * inDim + i] += bok * a[row + i];
      }
    }
    out.set(target, merged);
  }
  return out;
}

/** Files a tokenizer may need; whichever the model source has are copied next to the weights. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

export async function checkpointFiles(
  model: BertFamilyModel,
  values: ReadonlyMap<string, Float32Array>,
  opts: { labels?: string[]; source?: FileSource; extraConfig?: Record<string, unknown> } = {},
): Promise<Record<string, Uint8Array>> {
  const files = await exportCheckpoint(model, {
    values: mergeLoraValues(values, model),
    ...(opts.labels && model.head !== 'qa' ? { labels: opts.labels } : {}),
    ...(opts.extraConfig ? { extraConfig: opts.extraConfig } : {}),
  });
  if (opts.source) {
    for (const name of TOKENIZER_FILES) {
      const bytes = await opts.source.read(name).catch(() => null);
      if (bytes) files[name] = new Uint8Array(bytes);
    }
  }
  return files;
}
