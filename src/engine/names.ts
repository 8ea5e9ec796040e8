/**
 * Hugging Face parameter names and shapes, in `named_parameters()` order, for every architecture and head.
 * These names are the single source of truth for loading, LoRA targeting, weight decay groups and export.
 */
import { usesRobertaPositions, type EncoderConfig, type HeadKind } from './config';

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
    /** nn.Embedding(padding_idx) rows: the word embeddings' pad row, and RoBERTa's position pad row. */
    wordPadding: cfg.padTokenId,
    positionPadding: usesRobertaPositions(cfg) ? cfg.padTokenId : undefined,
  };
}

export function encoderSpecs(cfg: EncoderConfig): ParamSpec[] {
  const e = embeddingNames(cfg);
  const specs: ParamSpec[] = [
    { name: e.word, shape: [cfg.vocabSize, cfg.embeddingSize], init: 'embedding', paddingIdx: e.wordPadding },
    {
      name: e.position,
      shape: [cfg.maxPositions, cfg.embeddingSize],
      init: 'embedding',
      ...(e.positionPadding !== undefined ? { paddingIdx: e.positionPadding } : {}),
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

/**
 * The masked-LM head per architecture: dense → activation → LayerNorm → · Eᵀ + bias, E the word-embedding
 * matrix (tied: `tied` maps the decoder's own names to the canonical tensor, as `named_parameters()` lists it
 * once), `order` the head's tensors in `named_parameters()` order, and `saved` the aliases `save_pretrained`
 * writes as copies (RoBERTa's `_keys_to_ignore_on_save` drops both of its own).
 */
export function mlmNames(cfg: EncoderConfig) {
  const word = embeddingNames(cfg).word;
  switch (cfg.modelType) {
    case 'bert':
      return {
        kind: 'mlm' as const, dense: 'cls.predictions.transform.dense', norm: 'cls.predictions.transform.LayerNorm', bias: 'cls.predictions.bias',
        order: ['bias', 'dense', 'norm'] as const, act: cfg.activation,
        tied: { 'cls.predictions.decoder.weight': word, 'cls.predictions.decoder.bias': 'cls.predictions.bias' } as Record<string, string>,
        saved: ['cls.predictions.decoder.weight', 'cls.predictions.decoder.bias'],
      };
    case 'distilbert':
      return {
        kind: 'mlm' as const, dense: 'vocab_transform', norm: 'vocab_layer_norm', bias: 'vocab_projector.bias',
        order: ['dense', 'norm', 'bias'] as const, act: cfg.activation,
        tied: { 'vocab_projector.weight': word } as Record<string, string>,
        saved: ['vocab_projector.weight'],
      };
    case 'electra':
      // The generator: dense maps hidden → embedding_size, then E [V, embedding_size]; GELU is hard-coded.
      return {
        kind: 'mlm' as const, dense: 'generator_predictions.dense', norm: 'generator_predictions.LayerNorm', bias: 'generator_lm_head.bias',
        order: ['norm', 'dense', 'bias'] as const, act: 'gelu' as const,
        tied: { 'generator_lm_head.weight': word } as Record<string, string>,
        saved: ['generator_lm_head.weight'],
      };
    default:
      // RobertaLMHead (also XLM-R): GELU hard-coded.
      return {
        kind: 'mlm' as const, dense: 'lm_head.dense', norm: 'lm_head.layer_norm', bias: 'lm_head.bias',
        order: ['bias', 'dense', 'norm'] as const, act: 'gelu' as const,
        tied: { 'lm_head.decoder.weight': word, 'lm_head.decoder.bias': 'lm_head.bias' } as Record<string, string>,
        saved: [] as string[],
      };
  }
}

/** Head tensor names per architecture; `pooler` only exists for BERT sequence classification. */
export function headNames(cfg: EncoderConfig, head: HeadKind) {
  if (head === 'mlm') throw new Error('the masked-LM head has its own names: mlmNames');
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
  const H = cfg.hiddenSize;
  if (head === 'mlm') {
    const m = mlmNames(cfg);
    const E = cfg.embeddingSize; // the decoder reads E-wide vectors (ELECTRA's generator projects down to it)
    const parts = { bias: [{ name: m.bias, shape: [cfg.vocabSize], init: 'zeros' as const }], dense: linear(m.dense, E, H), norm: layerNorm(m.norm, E) };
    return m.order.flatMap((k): ParamSpec[] => parts[k]);
  }
  const n = headNames(cfg, head);
  if (n.kind === 'qa') return linear(n.out, 2, H);
  if (n.kind === 'tokcls') return linear(n.out, numLabels, H);
  return [...linear(n.dense, H, H), ...linear(n.out, numLabels, H)];
}

export function modelSpecs(cfg: EncoderConfig, head: HeadKind, numLabels: number): ParamSpec[] {
  return [...encoderSpecs(cfg), ...headSpecs(cfg, head, numLabels)];
}
