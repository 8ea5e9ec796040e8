/**
 * ONNX export of a BERT-family model with its head: the graph transformers.js and ONNX Runtime run as they
 * are (Optimum's input and output names, int64 inputs with dynamic batch_size × sequence_length axes,
 * opset 17, standard ops only), written as a stream of chunks so a large model is never held twice.
 * Pure TypeScript, no Node APIs: the browser export and `npm run export` share it.
 */
import { architectureName, headFromArchitectures, numLabelsOf, parseEncoderConfig, type EncoderConfig, type HeadKind, type HfConfig } from '../../engine/config';
import { modelSpecs } from '../../engine/names';
import { buildEncoder } from './encoder';
import { GraphBuilder } from './graph';
import { buildHead } from './heads';
import { checkWeights, planModel, type WeightSource } from './stream';

export { collectChunks, OPSET, type WeightSource } from './stream';
export { weightsFromSafetensors, weightsFromValues } from './weights';
export { hasTokenTypeInput } from './encoder';

/** `multilabel` is the sequence-classification graph; config.json's problem_type tells users to apply a sigmoid. */
export type OnnxHead = HeadKind | 'multilabel';

export interface OnnxExport {
  config: HfConfig;
  /** Defaults to the head config.json's `architectures` names. */
  head?: OnnxHead;
  weights: WeightSource;
  /**
   * model_quantized.onnx: every Linear as 8-bit MatMulInteger (weights per output channel, activations per
   * tensor at run time); embeddings and LayerNorms stay float32. What transformers.js loads by default in the
   * browser (dtype q8).
   */
  quantize?: boolean;
}

export interface OnnxModel {
  /** e.g. BertForSequenceClassification */
  architecture: string;
  encoder: EncoderConfig;
  head: HeadKind;
  inputNames: string[];
  outputNames: string[];
  /** The .onnx file in order; pulls each weight from the source only when its bytes are due. */
  chunks: AsyncIterable<Uint8Array>;
  /** The file's size in bytes, known before any weight is read. */
  byteLength: number;
}

const HEADS: readonly OnnxHead[] = ['seqcls', 'multilabel', 'qa', 'tokcls', 'mlm'];

function headOf(config: HfConfig, head: OnnxHead | undefined): HeadKind {
  if (head !== undefined && !HEADS.includes(head)) {
    throw new Error(`ONNX export: head "${String(head)}" is not supported (supported: ${HEADS.join(', ')})`);
  }
  if (head) return head === 'multilabel' ? 'seqcls' : head;
  const fromConfig = headFromArchitectures(config);
  if (!fromConfig) {
    throw new Error(
      `ONNX export: config.json's architectures ${JSON.stringify(config.architectures ?? [])} name no head this exporter ` +
        'supports (*ForSequenceClassification, *ForQuestionAnswering, *ForTokenClassification, *ForMaskedLM); choose one',
    );
  }
  return fromConfig;
}

/**
 * Builds the graph and checks every weight it reads exists with the right shape (so an unsupported model or a
 * wrong checkpoint throws here, before any byte is written); the weights themselves are read by `chunks`.
 */
export function exportOnnx({ config, head: requested, weights, quantize = false }: OnnxExport): OnnxModel {
  let encoder: EncoderConfig;
  try {
    encoder = parseEncoderConfig(config);
  } catch (e) {
    throw new Error(`ONNX export: ${(e as Error).message}`);
  }
  const head = headOf(config, requested);
  const numLabels = head === 'qa' ? 2 : head === 'mlm' ? encoder.vocabSize : numLabelsOf(config);
  const architecture = architectureName(encoder.modelType, head);
  const specs = modelSpecs(encoder, head, numLabels);
  const graph = new GraphBuilder(new Map(specs.map((s) => [s.name, s.shape])));
  graph.quantize = quantize;
  buildHead(graph, encoder, head, buildEncoder(graph, encoder), numLabels);
  checkWeights(graph, weights, architecture);
  const planned = planModel(graph, weights, { name: architecture, producer: 'webgpu-training-studio', version: '0.1.0' });
  return {
    architecture,
    encoder,
    head,
    inputNames: graph.inputs.map((i) => i.name),
    outputNames: graph.outputs.map((o) => o.name),
    chunks: planned.chunks,
    byteLength: planned.byteLength,
  };
}
