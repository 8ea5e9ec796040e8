/**
 * The task heads as ONNX nodes, mirroring engine/heads.ts (HF 4.27's modeling code), with the output names
 * Optimum's exporter uses: `logits`, or `start_logits` / `end_logits` for QA.
 */
import type { EncoderConfig, HeadKind } from '../../engine/config';
import { embeddingNames, headNames, mlmNames } from '../../engine/names';
import { DataType } from './proto';
import type { GraphBuilder } from './graph';
import type { EncoderGraph } from './encoder';
import { activate, layerNorm, linear, linearWith, toBatchTime } from './ops';

const B = 'batch_size';
const T = 'sequence_length';

/** h[:, 0]: [B*T, H] → [B, H]. */
function firstToken(g: GraphBuilder, cfg: EncoderConfig, enc: EncoderGraph): string {
  return g.op('Gather', [toBatchTime(g, enc.hidden, enc.bt, [cfg.hiddenSize]), g.ints([0], [])], { attrs: { axis: 1 } });
}

/** *ForSequenceClassification (single- and multi-label: the same graph; config.json keeps problem_type). */
function sequenceClassification(g: GraphBuilder, cfg: EncoderConfig, enc: EncoderGraph, numLabels: number): void {
  const names = headNames(cfg, 'seqcls');
  if (names.kind !== 'pooled') throw new Error('unreachable');
  const cls = firstToken(g, cfg, enc);
  let pooled: string;
  if (cfg.modelType === 'bert') pooled = g.op('Tanh', [linear(g, cls, names.dense)]); // BertPooler
  else if (cfg.modelType === 'distilbert') pooled = g.op('Relu', [linear(g, cls, names.dense)]); // pre_classifier
  else if (cfg.modelType === 'electra') pooled = activate(g, linear(g, cls, names.dense), 'gelu'); // hard-coded GELU
  else pooled = g.op('Tanh', [linear(g, cls, names.dense)]); // RobertaClassificationHead
  const logits = linear(g, pooled, names.out);
  g.op('Identity', [logits], { output: 'logits' });
  g.output('logits', DataType.FLOAT, [B, numLabels]);
}

function tokenClassification(g: GraphBuilder, cfg: EncoderConfig, enc: EncoderGraph, numLabels: number): void {
  const logits = linear(g, enc.hidden, headNames(cfg, 'tokcls').out);
  g.op('Reshape', [logits, g.op('Concat', [enc.bt, g.ints([numLabels])], { attrs: { axis: 0 } })], { output: 'logits' });
  g.output('logits', DataType.FLOAT, [B, T, numLabels]);
}

function questionAnswering(g: GraphBuilder, cfg: EncoderConfig, enc: EncoderGraph): void {
  const both = toBatchTime(g, linear(g, enc.hidden, headNames(cfg, 'qa').out), enc.bt, [2]); // [B, T, 2]
  for (const [i, name] of ['start_logits', 'end_logits'].entries()) {
    g.op('Gather', [both, g.ints([i], [])], { attrs: { axis: 2 }, output: name });
    g.output(name, DataType.FLOAT, [B, T]);
  }
}

/** *ForMaskedLM: dense → activation → LayerNorm → · Eᵀ + bias, E the word-embedding initializer itself (tied). */
function maskedLm(g: GraphBuilder, cfg: EncoderConfig, enc: EncoderGraph): void {
  const m = mlmNames(cfg);
  const x = layerNorm(g, activate(g, linear(g, enc.hidden, m.dense), m.act), m.norm, cfg.layerNormEps);
  const logits = linearWith(g, x, embeddingNames(cfg).word, m.bias); // [B*T, V]
  g.op('Reshape', [logits, g.op('Concat', [enc.bt, g.ints([cfg.vocabSize])], { attrs: { axis: 0 } })], { output: 'logits' });
  g.output('logits', DataType.FLOAT, [B, T, cfg.vocabSize]);
}

export function buildHead(g: GraphBuilder, cfg: EncoderConfig, head: HeadKind, enc: EncoderGraph, numLabels: number): void {
  g.scope = `head.${head}`;
  switch (head) {
    case 'seqcls':
      return sequenceClassification(g, cfg, enc, numLabels);
    case 'tokcls':
      return tokenClassification(g, cfg, enc, numLabels);
    case 'qa':
      return questionAnswering(g, cfg, enc);
    case 'mlm':
      return maskedLm(g, cfg, enc);
    default:
      throw new Error(`ONNX export: head "${String(head)}" is not supported (supported: seqcls, multilabel, qa, tokcls, mlm)`);
  }
}
