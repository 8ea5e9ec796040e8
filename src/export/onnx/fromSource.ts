/**
 * A saved checkpoint (a folder, the Hub, files the user dropped) to ONNX: config.json plus model.safetensors
 * or its shards, through the same FileSource the loader uses. Each shard is read once and its tensors are
 * converted to float32 one at a time while the file is written.
 */
import { headFromArchitectures, parseEncoderConfig, type EncoderConfig, type HfConfig, type ProblemType } from '../../engine/config';
import { parseSafetensors, type RawTensor } from '../../engine/safetensors';
import { readJson, type FileSource } from '../../hub/source';
import { exportOnnx, type OnnxHead, type OnnxModel, type WeightSource } from './index';
import { weightsFromSafetensors } from './weights';

/** Every tensor of the checkpoint, single file or sharded (views into the files' buffers, not copies). */
export async function checkpointTensors(source: FileSource): Promise<Map<string, RawTensor>> {
  const single = await source.read('model.safetensors');
  if (single) return parseSafetensors(single, `${source.label}/model.safetensors`).tensors;
  const index = await readJson<{ weight_map: Record<string, string> }>(source, 'model.safetensors.index.json');
  if (!index) {
    const hasBin = (await source.read('pytorch_model.bin').catch(() => null)) !== null;
    throw new Error(
      `${source.label}: no model.safetensors or model.safetensors.index.json` +
        (hasBin ? ' (only pytorch_model.bin, a Python pickle this exporter does not read; convert it to safetensors first)' : ''),
    );
  }
  const out = new Map<string, RawTensor>();
  for (const shard of new Set(Object.values(index.weight_map))) {
    const bytes = await source.read(shard);
    if (!bytes) throw new Error(`${source.label}: shard ${shard} listed in model.safetensors.index.json is missing`);
    for (const [k, v] of parseSafetensors(bytes, `${source.label}/${shard}`).tensors) out.set(k, v);
  }
  return out;
}

/**
 * The config.json to ship beside model.onnx: the checkpoint's own (id2label, label2id kept), with
 * `architectures` naming the exported head and `problem_type` set for multi-label, which transformers.js's
 * text-classification pipeline reads to apply a sigmoid instead of a softmax.
 */
export function exportedConfig(config: HfConfig, model: OnnxModel, requested?: OnnxHead): HfConfig {
  // The checkpoint's own class name is kept when it names this head (CamembertFor… stays, not RobertaFor…).
  const keep = headFromArchitectures(config) === model.head;
  const out: HfConfig = { ...config, architectures: keep ? config.architectures : [model.architecture] };
  if (requested === 'multilabel') out.problem_type = 'multi_label_classification' satisfies ProblemType;
  else if (requested === 'seqcls' && out.problem_type === 'multi_label_classification') delete out.problem_type;
  return out;
}

export interface SourceExport {
  config: HfConfig;
  model: OnnxModel;
}

/**
 * `weights`: where the tensors come from when not from `source` in memory (the CLI reads a local folder's
 * files tensor by tensor); by default every shard is read once through `source`. `quantize`: see exportOnnx.
 */
export async function onnxFromSource(
  source: FileSource,
  head?: OnnxHead,
  weights?: (encoder: EncoderConfig) => Promise<WeightSource>,
  opts: { quantize?: boolean } = {},
): Promise<SourceExport> {
  const config = await readJson<HfConfig>(source, 'config.json');
  if (!config) throw new Error(`${source.label}: config.json not found`);
  let encoder: EncoderConfig;
  try {
    encoder = parseEncoderConfig(config);
  } catch (e) {
    throw new Error(`${source.label}: ${(e as Error).message}`);
  }
  // Head weights can share names across heads (BERT's token and sequence classifiers are both `classifier`):
  // a head other than the one the checkpoint was trained with would export without error and mean nothing.
  const saved = headFromArchitectures(config);
  const wanted = head === 'multilabel' ? 'seqcls' : head;
  if (wanted && saved && wanted !== saved) {
    throw new Error(`${source.label}: config.json's architectures ${JSON.stringify(config.architectures)} has a ${saved} head, not ${head}; export it without a task or with a matching one`);
  }
  const fromWeights = weights ? await weights(encoder) : weightsFromSafetensors(await checkpointTensors(source), encoder, source.label);
  const model = exportOnnx({ config, head, weights: fromWeights, quantize: opts.quantize });
  return { config: exportedConfig(config, model, head), model };
}
