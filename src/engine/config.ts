/** The Hugging Face `config.json` fields the engine reads, normalised across BERT-family architectures. */

export type Architecture = 'bert' | 'roberta' | 'xlm-roberta' | 'electra' | 'distilbert';
/** `mlm`: *ForMaskedLM, a per-position vocabulary head whose decoder is the word-embedding matrix. */
export type HeadKind = 'seqcls' | 'qa' | 'tokcls' | 'mlm';
export type ProblemType = 'single_label_classification' | 'multi_label_classification' | 'regression';
export type Activation = 'gelu' | 'gelu_new' | 'relu';

export interface EncoderConfig {
  modelType: Architecture;
  /** Prefix of the encoder's parameter names: `bert`, `roberta`, `electra`, `distilbert` (XLM-R uses `roberta`). */
  prefix: string;
  vocabSize: number;
  hiddenSize: number;
  /** ELECTRA may embed at a smaller size and project up; equals hiddenSize elsewhere. */
  embeddingSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  /** 0 when the architecture has no token type embeddings (DistilBERT). */
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  activation: Activation;
  hiddenDropout: number;
  attentionDropout: number;
  /** Dropout before the head; HF falls back to hidden dropout when classifier_dropout is null. */
  classifierDropout: number;
  initializerRange: number;
}

/** A raw HF config.json. Only the keys we read are typed; everything else is kept for export. */
export type HfConfig = Record<string, unknown> & {
  model_type?: string;
  architectures?: string[];
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  num_labels?: number;
  problem_type?: ProblemType | null;
};

const SUPPORTED: Record<string, Architecture> = {
  bert: 'bert',
  roberta: 'roberta',
  'xlm-roberta': 'xlm-roberta',
  camembert: 'roberta',
  electra: 'electra',
  distilbert: 'distilbert',
};

function num(cfg: HfConfig, key: string, fallback?: number): number {
  const v = cfg[key];
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`config.json: missing numeric field "${key}"`);
}

function activationOf(name: unknown): Activation {
  if (name === 'gelu' || name === 'relu') return name;
  if (name === 'gelu_new' || name === 'gelu_pytorch_tanh' || name === 'gelu_fast') return 'gelu_new';
  throw new Error(`config.json: unsupported activation "${String(name)}" (supported: gelu, gelu_new, relu)`);
}

export function parseEncoderConfig(cfg: HfConfig): EncoderConfig {
  const modelType = SUPPORTED[cfg.model_type ?? ''];
  if (!modelType) {
    throw new Error(
      `Unsupported architecture "${cfg.model_type ?? '(no model_type)'}"` +
        `${cfg.architectures ? ` (${cfg.architectures.join(', ')})` : ''}. ` +
        'Supported: bert, roberta, xlm-roberta, electra, distilbert.',
    );
  }
  if (modelType === 'distilbert') {
    if (cfg.sinusoidal_pos_embds === true) throw new Error('config.json: DistilBERT with sinusoidal_pos_embds is not supported');
    const dropout = num(cfg, 'dropout', 0.1);
    return {
      modelType,
      prefix: 'distilbert',
      vocabSize: num(cfg, 'vocab_size'),
      hiddenSize: num(cfg, 'dim'),
      embeddingSize: num(cfg, 'dim'),
      numLayers: num(cfg, 'n_layers'),
      numHeads: num(cfg, 'n_heads'),
      intermediateSize: num(cfg, 'hidden_dim'),
      maxPositions: num(cfg, 'max_position_embeddings'),
      typeVocabSize: 0,
      layerNormEps: 1e-12, // hard-coded in modeling_distilbert.py
      padTokenId: num(cfg, 'pad_token_id', 0),
      activation: activationOf(cfg.activation ?? 'gelu'),
      hiddenDropout: dropout,
      attentionDropout: num(cfg, 'attention_dropout', 0.1),
      // seq_classif_dropout for classification heads, qa_dropout for QA: the head picks (see heads.ts).
      classifierDropout: num(cfg, 'seq_classif_dropout', 0.2),
      initializerRange: num(cfg, 'initializer_range', 0.02),
    };
  }
  if (cfg.position_embedding_type && cfg.position_embedding_type !== 'absolute') {
    throw new Error(`config.json: position_embedding_type "${String(cfg.position_embedding_type)}" is not supported (absolute only)`);
  }
  const hidden = num(cfg, 'hidden_size');
  const hiddenDropout = num(cfg, 'hidden_dropout_prob', 0.1);
  const classifierDropout = cfg.classifier_dropout;
  return {
    modelType,
    prefix: modelType === 'xlm-roberta' ? 'roberta' : modelType,
    vocabSize: num(cfg, 'vocab_size'),
    hiddenSize: hidden,
    embeddingSize: modelType === 'electra' ? num(cfg, 'embedding_size', hidden) : hidden,
    numLayers: num(cfg, 'num_hidden_layers'),
    numHeads: num(cfg, 'num_attention_heads'),
    intermediateSize: num(cfg, 'intermediate_size'),
    maxPositions: num(cfg, 'max_position_embeddings'),
    typeVocabSize: num(cfg, 'type_vocab_size', 2),
    layerNormEps: num(cfg, 'layer_norm_eps', 1e-12),
    padTokenId: num(cfg, 'pad_token_id', modelType === 'roberta' || modelType === 'xlm-roberta' ? 1 : 0),
    activation: activationOf(cfg.hidden_act ?? 'gelu'),
    hiddenDropout,
    attentionDropout: num(cfg, 'attention_probs_dropout_prob', 0.1),
    classifierDropout: typeof classifierDropout === 'number' ? classifierDropout : hiddenDropout,
    initializerRange: num(cfg, 'initializer_range', 0.02),
  };
}

/** True for RoBERTa-style position ids (padding_idx + 1 + cumulative count of real tokens). */
export function usesRobertaPositions(cfg: EncoderConfig): boolean {
  return cfg.modelType === 'roberta' || cfg.modelType === 'xlm-roberta';
}

/** The head that an `architectures` entry implies, e.g. `BertForQuestionAnswering` → qa. */
export function headFromArchitectures(cfg: HfConfig): HeadKind | null {
  const arch = cfg.architectures?.[0] ?? '';
  if (arch.endsWith('ForSequenceClassification')) return 'seqcls';
  if (arch.endsWith('ForQuestionAnswering')) return 'qa';
  if (arch.endsWith('ForTokenClassification')) return 'tokcls';
  if (arch.endsWith('ForMaskedLM')) return 'mlm';
  return null;
}

/** `from_pretrained` semantics: num_labels comes from id2label when present, else num_labels, else 2. */
export function numLabelsOf(cfg: HfConfig): number {
  if (cfg.id2label) return Object.keys(cfg.id2label).length;
  return typeof cfg.num_labels === 'number' ? cfg.num_labels : 2;
}

const CLASS_PREFIX: Record<Architecture, string> = {
  bert: 'Bert',
  roberta: 'Roberta',
  'xlm-roberta': 'XLMRoberta',
  electra: 'Electra',
  distilbert: 'DistilBert',
};
const CLASS_SUFFIX: Record<HeadKind, string> = {
  seqcls: 'ForSequenceClassification',
  qa: 'ForQuestionAnswering',
  tokcls: 'ForTokenClassification',
  mlm: 'ForMaskedLM',
};

export function architectureName(modelType: Architecture, head: HeadKind): string {
  return CLASS_PREFIX[modelType] + CLASS_SUFFIX[head];
}
