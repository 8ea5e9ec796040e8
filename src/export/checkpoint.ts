/**
 * Writes a checkpoint that Python `transformers` loads with `from_pretrained`: config.json (architectures,
 * model_type, id2label with string keys, label2id, problem_type) and model.safetensors (HF names, F32,
 * `{"format": "pt"}`). Our own loader reads it back bit-identically.
 */
import type { HfConfig } from '../engine/config';
import type { BertFamilyModel } from '../engine/model';
import { mlmNames } from '../engine/names';
import { writeSafetensors } from '../engine/safetensors';

export interface ExportOptions {
  /** Label names in id order (classification / NER); defaults to the model's config. */
  labels?: string[];
  /** Extra config keys to record (e.g. dropout overrides that were used). */
  extraConfig?: Record<string, unknown>;
  /** Parameter values to write instead of the model's own (e.g. LoRA-merged weights). */
  values?: Map<string, Float32Array>;
}

export function checkpointConfig(model: BertFamilyModel, opts: ExportOptions = {}): HfConfig {
  const base = model.hfConfig;
  const labels =
    opts.labels ??
    Object.keys(base.id2label ?? {})
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => base.id2label![k]);
  const config: HfConfig = {
    ...base,
    ...opts.extraConfig,
    architectures: [model.architecture],
    model_type: base.model_type,
    torch_dtype: 'float32',
  };
  if (model.head === 'qa' || model.head === 'mlm') {
    // No labels: QA has start/end outputs, a masked LM the vocabulary (save_pretrained writes no id2label there).
    delete config.problem_type;
    if (model.head === 'mlm') {
      delete config.id2label;
      delete config.label2id;
    }
  } else {
    config.id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
    config.label2id = Object.fromEntries(labels.map((l, i) => [l, i]));
    config.problem_type = model.head === 'tokcls' ? null : model.problemType;
    if (config.problem_type === null) delete config.problem_type;
  }
  delete config.num_labels; // derived from id2label by transformers; a stale value would conflict
  // Sorted keys, like save_pretrained, so diffs against Python-written configs are readable.
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : 1))) as HfConfig;
}

export async function exportCheckpoint(model: BertFamilyModel, opts: ExportOptions = {}): Promise<Record<string, Uint8Array>> {
  const values = opts.values ?? (await model.readParams());
  const tensors = model.specs.map((s) => {
    const data = values.get(s.name);
    if (!data) throw new Error(`export: no value for ${s.name}`);
    return { name: s.name, shape: s.shape, data };
  });
  // The tied decoder's copies, as save_pretrained writes them (mlmNames.saved; none for RoBERTa).
  if (model.head === 'mlm') {
    const m = mlmNames(model.encoderConfig);
    const shapes = new Map(model.specs.map((s) => [s.name, s.shape]));
    for (const alias of m.saved) {
      const canon = m.tied[alias];
      tensors.push({ name: alias, shape: shapes.get(canon)!, data: values.get(canon)! });
    }
  }
  const config = checkpointConfig(model, opts);
  return {
    'config.json': new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`),
    'model.safetensors': writeSafetensors(tensors),
  };
}
