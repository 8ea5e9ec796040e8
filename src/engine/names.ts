/**
 * Hugging Face parameter names and shapes, in `named_parameters()` order, for every architecture and head.
 * These names are the single source of truth for loading, LoRA targeting, weight decay groups and export.
 */
import type { EncoderConfig, HeadKind } from './config';

export type InitKind = 'normal' | 'zeros' | 'ones' | 'embedding';

export interface ParamSpec {
  name: string;
  /** HF layout: Linear weights are [out, in]. */
  shape: number[];
  /** How HF's `_init_weights` initialises it when the checkpoint lacks it. */
  init: InitKind;
  /** Row that `nn.Embedding(padding_idx=…)` zeroes at init and never updates. */
  paddingIdx?: number;
}

function linear(name: string, out: number, inp: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [out, inp], init: 'normal' },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
}

function layerNorm(name: string, size: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [size], init: 'ones' },
    { name: `${name}.bias`, shape: [size], init: 'zeros' },
  ];
}

/** Names of one encoder layer's tensors, so the forward pass and the spec cannot drift apart. */
export interface LayerNames {
  query: string;
  key: string;
  value: string;
  attnOut: string;
  attnNorm: string;
  ffnIn: string;
  ffnOut: string;
  outNorm: string;
}

export function layerNames(cfg: EncoderConfig, i: number): LayerNames {
  if (cfg.modelType === 'distilbert') {
    const p = `distilbert.transformer.layer.${i}`;
    return {
      query: `${p}.attention.q_lin`,
      key: `${p}.attention.k_lin`,
      value: `${p}.attention.v_lin`,
      attnOut: `${p}.attention.out_lin`,
      attnNorm: `${p}.sa_layer_norm`,
      ffnIn: `${p}.ffn.lin1`,
      ffnOut: `${p}.ffn.lin2`,
      outNorm: `${p}.output_layer_norm`,
    };
  }
  const p = `${cfg.prefix}.encoder.layer.${i}`;
  return {
    query: `${p}.attention.self.query`,
    key: `${p}.attention.self.key`,
    value: `${p}.attention.self.value`,
    attnOut: `${p}.attention.output.dense`,
    attnNorm: `${p}.attention.output.LayerNorm`,
    ffnIn: `${p}.intermediate.dense`,
    ffnOut: `${p}.output.dense`,
    outNorm: `${p}.output.LayerNorm`,
  };
}

export function embeddingNames(cfg: EncoderConfig) {
  const e = `${cfg.prefix}.embeddings`;
  return {
    word: `${e}.word_embeddings.weight`,
    position: `${e}.position_embeddings.weight`,
    tokenType: `${e}.token_type_embeddings.weight`,
    norm: `${e}.LayerNorm`,
    project: cfg.embeddingSize !== cfg.hiddenSize ? `${cfg.prefix}.embeddings_project` : null,
  };
}

export function encoderSpecs(cfg: EncoderConfig): ParamSpec[] {
  const e = embeddingNames(cfg);
  const roberta = cfg.modelType === 'roberta' || cfg.modelType === 'xlm-roberta';
  const specs: ParamSpec[] = [
    { name: e.word, shape: [cfg.vocabSize, cfg.embeddingSize], init: 'embedding', paddingIdx: cfg.padTokenId },
    {
      name: e.position,
      shape: [cfg.maxPositions, cfg.embeddingSize],
      init: 'embedding',
      ...(roberta ? { paddingIdx: cfg.padTokenId } : {}),
    },
  ];
  if (cfg.typeVocabSize > 0) specs.push({ name: e.tokenType, shape: [cfg.typeVocabSize, cfg.embeddingSize], init: 'embedding' });
  specs.push(...layerNorm(e.norm, cfg.embeddingSize));
  if (e.project) specs.push(...linear(e.project, cfg.hiddenSize, cfg.embeddingSize));
  const H = cfg.hiddenSize;
  for (let i = 0; i < cfg.numLayers; i++) {
    const n = layerNames(cfg, i);
    const attn = [...linear(n.query, H, H), ...linear(n.key, H, H), ...linear(n.value, H, H), ...linear(n.attnOut, H, H)];
    const ffn = [...linear(n.ffnIn, cfg.intermediateSize, H), ...linear(n.ffnOut, H, cfg.intermediateSize)];
    // DistilBERT registers sa_layer_norm before the FFN; BERT-style registers the attention LayerNorm with attention.
    specs.push(...attn, ...layerNorm(n.attnNorm, H), ...ffn, ...layerNorm(n.outNorm, H));
  }
  return specs;
}

/** Head tensor names per architecture; `pooler` only exists for BERT sequence classification. */
export function headNames(cfg: EncoderConfig, head: HeadKind) {
  if (head === 'qa') return { kind: 'qa' as const, out: 'qa_outputs' };
  if (head === 'tokcls') return { kind: 'tokcls' as const, out: 'classifier' };
  switch (cfg.modelType) {
    case 'bert':
      return { kind: 'pooled' as const, dense: `${cfg.prefix}.pooler.dense`, out: 'classifier' };
    case 'distilbert':
      return { kind: 'pooled' as const, dense: 'pre_classifier', out: 'classifier' };
    default:
      return { kind: 'pooled' as const, dense: 'classifier.dense', out: 'classifier.out_proj' };
  }
}

export function headSpecs(cfg: EncoderConfig, head: HeadKind, numLabels: number): ParamSpec[] {
  const n = headNames(cfg, head);
  const H = cfg.hiddenSize;
  if (n.kind === 'qa') return linear(n.out, 2, H);
  if (n.kind === 'tokcls') return linear(n.out, numLabels, H);
  return [...linear(n.dense, H, H), ...linear(n.out, numLabels, H)];
}

export function modelSpecs(cfg: EncoderConfig, head: HeadKind, numLabels: number): ParamSpec[] {
  return [...encoderSpecs(cfg), ...headSpecs(cfg, head, numLabels)];
}
