/**
 * Loads a Hugging Face checkpoint (config.json + model.safetensors, or a sharded index) into a
 * BertFamilyModel, reporting missing / unexpected / re-initialised keys the way `from_pretrained` does.
 */
import { readJson, type FileSource } from '../hub/source';
import {
  headFromArchitectures,
  numLabelsOf,
  parseEncoderConfig,
  type EncoderConfig,
  type HeadKind,
  type HfConfig,
  type ProblemType,
} from './config';
import { BertFamilyModel } from './model';
import { mlmNames, modelSpecs, type ParamSpec } from './names';
import { normal, rng } from './random';
import { parseSafetensors, toFloat32, type RawTensor } from './safetensors';

export interface LoadOptions {
  /** The task head to build; defaults to the head named by config.architectures. */
  head?: HeadKind;
  /** Labels of the new head (id order); overrides config.id2label. */
  labels?: string[];
  problemType?: ProblemType;
  /** Seed for initialising missing weights (every weight with init 'random'). */
  seed?: number;
  /**
   * 'random': every weight initialised as HF's `_init_weights` does, with `seed`; the checkpoint's config and
   * tokenizer are used, its weights not even read (training from scratch as an explicit choice).
   */
  init?: 'pretrained' | 'random';
  onProgress?: (file: string, loaded: number, total: number) => void;
}

export interface LoadReport {
  /** Parameters absent from the checkpoint, newly initialised (normally the head). */
  missing: string[];
  /** Checkpoint tensors the model does not use (e.g. `cls.predictions.*` of a pretraining checkpoint). */
  unexpected: string[];
  /** Head tensors whose shape differed (another label count) and were re-initialised. */
  mismatched: { name: string; checkpoint: number[]; model: number[] }[];
  /** init 'random': the seed every weight was initialised with (the checkpoint's weights were not read). */
  randomInit?: number;
}

export interface LoadedModel {
  model: BertFamilyModel;
  config: HfConfig;
  report: LoadReport;
}

/** Buffers HF saves but never loads as parameters. */
const IGNORED = /(^|\.)position_ids$/;

async function readCheckpointTensors(source: FileSource, onProgress?: LoadOptions['onProgress']): Promise<Map<string, RawTensor>> {
  const progress = (file: string) => (onProgress ? (l: number, t: number) => onProgress(file, l, t) : undefined);
  const single = await source.read('model.safetensors', progress('model.safetensors'));
  if (single) return parseSafetensors(single, `${source.label}/model.safetensors`).tensors;
  const index = await readJson<{ weight_map: Record<string, string> }>(source, 'model.safetensors.index.json');
  if (index) {
    const out = new Map<string, RawTensor>();
    for (const shard of [...new Set(Object.values(index.weight_map))]) {
      const bytes = await source.read(shard, progress(shard));
      if (!bytes) throw new Error(`${source.label}: shard ${shard} listed in model.safetensors.index.json is missing`);
      for (const [k, v] of parseSafetensors(bytes, `${source.label}/${shard}`).tensors) out.set(k, v);
    }
    return out;
  }
  const hasBin = (await source.read('pytorch_model.bin').catch(() => null)) !== null;
  throw new Error(
    `${source.label}: no model.safetensors` +
      (hasBin ? ' (only pytorch_model.bin, a pickle we cannot read safely in the browser; convert it to safetensors)' : ''),
  );
}

/**
 * Maps checkpoint names onto the model's: adds the base-model prefix when a bare encoder was saved
 * (`embeddings.word_embeddings.weight`), and renames legacy LayerNorm `gamma`/`beta`.
 */
function canonicalName(name: string, cfg: EncoderConfig, wanted: ReadonlySet<string>): string {
  let n = name.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
  if (!wanted.has(n) && wanted.has(`${cfg.prefix}.${n}`)) n = `${cfg.prefix}.${n}`;
  return n;
}

export function initialValue(spec: ParamSpec, std: number, random: () => number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.init) {
    case 'zeros':
      return new Float32Array(n);
    case 'ones':
      return new Float32Array(n).fill(1);
    case 'normal':
      return normal(n, std, random);
    case 'embedding': {
      const v = normal(n, std, random);
      if (spec.paddingIdx !== undefined) v.fill(0, spec.paddingIdx * spec.shape[1], (spec.paddingIdx + 1) * spec.shape[1]);
      return v;
    }
  }
}

export function resolveHead(config: HfConfig, opts: LoadOptions): { head: HeadKind; labels: string[]; problemType: ProblemType } {
  const head = opts.head ?? headFromArchitectures(config);
  if (!head) {
    throw new Error(
      `config.json names no task head (architectures: ${JSON.stringify(config.architectures ?? [])}); choose a task`,
    );
  }
  const labels =
    opts.labels ??
    (config.id2label
      ? Object.keys(config.id2label)
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => config.id2label![k])
      : Array.from({ length: numLabelsOf(config) }, (_, i) => `LABEL_${i}`));
  const problemType = opts.problemType ?? config.problem_type ?? 'single_label_classification';
  return { head, labels, problemType };
}

/** What loadModel builds its model from: every parameter's starting value, read or newly initialised. */
export interface InitialValues {
  enc: EncoderConfig;
  head: HeadKind;
  numLabels: number;
  problemType: ProblemType;
  config: HfConfig;
  values: Map<string, Float32Array>;
  report: LoadReport;
}

export async function loadModel(source: FileSource, opts: LoadOptions = {}): Promise<LoadedModel> {
  const { enc, head, numLabels, problemType, config, values, report } = await loadInitialValues(source, opts);
  const model = new BertFamilyModel(enc, head, numLabels, problemType, config, values);
  return { model, config, report };
}

/**
 * The starting values without a model (no TF.js): the same seeded draws, so Node can re-derive the weights a
 * run's worker began from (the Trainer project's reproduction mode writes the newly initialised ones).
 */
export async function loadInitialValues(source: FileSource, opts: LoadOptions = {}): Promise<InitialValues> {
  const config = await readJson<HfConfig>(source, 'config.json');
  if (!config) throw new Error(`${source.label}: config.json not found`);
  let enc: EncoderConfig;
  try {
    enc = parseEncoderConfig(config);
  } catch (e) {
    throw new Error(`${source.label}: ${(e as Error).message}`);
  }
  const { head, labels, problemType } = resolveHead(config, opts);
  const numLabels = head === 'qa' ? 2 : labels.length;
  const specs = modelSpecs(enc, head, numLabels);
  const wanted = new Set(specs.map((s) => s.name));
  const fromScratch = opts.init === 'random';
  const raw = fromScratch ? new Map<string, RawTensor>() : await readCheckpointTensors(source, opts.onProgress);

  const byName = new Map<string, RawTensor>();
  const unexpected: string[] = [];
  // A masked-LM decoder tied to the word embeddings is saved as copies under its own names: not weights of their own.
  const aliases = new Set(head === 'mlm' ? Object.keys(mlmNames(enc).tied) : []);
  for (const [name, t] of raw) {
    if (IGNORED.test(name)) continue;
    const canon = canonicalName(name, enc, wanted);
    if (aliases.has(canon)) continue;
    if (wanted.has(canon)) byName.set(canon, t);
    else unexpected.push(name);
  }

  const random = rng(opts.seed ?? 42);
  const values = new Map<string, Float32Array>();
  const missing: string[] = [];
  const mismatched: LoadReport['mismatched'] = [];
  const headNames = new Set(specs.slice(specs.length - (head === 'seqcls' ? 4 : 2)).map((s) => s.name));
  for (const spec of specs) {
    const t = byName.get(spec.name);
    if (t && t.shape.join() !== spec.shape.join()) {
      if (!headNames.has(spec.name)) {
        throw new Error(`${source.label}: ${spec.name} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(spec.shape)}`);
      }
      mismatched.push({ name: spec.name, checkpoint: t.shape, model: spec.shape });
    } else if (t) {
      const data = toFloat32(t);
      if (!data) throw new Error(`${source.label}: ${spec.name} has non-float dtype ${t.dtype}`);
      values.set(spec.name, data);
      continue;
    } else if (!fromScratch) {
      missing.push(spec.name);
    }
    values.set(spec.name, initialValue(spec, enc.initializerRange, random));
  }

  const hfConfig: HfConfig = {
    ...config,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
  };
  const report = { missing, unexpected, mismatched, ...(fromScratch ? { randomInit: opts.seed ?? 42 } : {}) };
  return { enc, head, numLabels, problemType, config: hfConfig, values, report };
}

/** One line per list, like `from_pretrained`'s warnings. */
export function describeLoadReport(report: LoadReport): string[] {
  const lines: string[] = [];
  if (report.randomInit !== undefined) lines.push(`Every weight initialised at random (HF's init, seed ${report.randomInit}): training from scratch`);
  if (report.missing.length) lines.push(`Newly initialised (not in checkpoint): ${report.missing.join(', ')}`);
  if (report.mismatched.length) {
    lines.push(
      'Re-initialised (shape differs): ' +
        report.mismatched.map((m) => `${m.name} ${JSON.stringify(m.checkpoint)} → ${JSON.stringify(m.model)}`).join(', '),
    );
  }
  if (report.unexpected.length) lines.push(`Unused checkpoint weights: ${report.unexpected.join(', ')}`);
  return lines;
}
