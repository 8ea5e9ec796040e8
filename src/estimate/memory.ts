/**
 * What a model costs before any weight is loaded: the parameter count (from the HF names and shapes, exact)
 * and a rough GPU memory estimate for a batch size and sequence length, checked against the adapter limits.
 * Pure: the model step shows its numbers, the store computes them.
 */
import { parseEncoderConfig, type EncoderConfig, type HfConfig } from '../engine/config';
import { modelSpecs } from '../engine/names';
import type { TrainConfig } from '../train/config';

export interface ModelInfo {
  modelType: string;
  layers: number;
  hiddenSize: number;
  heads: number;
  intermediateSize: number;
  vocabSize: number;
  maxPositions: number;
  /** Encoder + a 2-class head. */
  parameters: number;
  /** Encoder only (embeddings + layers), what LoRA / head-only training freezes. */
  encoderParameters: number;
  /** Largest single tensor in bytes (the word embeddings): one GPU buffer. */
  largestTensorBytes: number;
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Throws the engine's message ("Unsupported architecture …") for configs we cannot train. */
export function modelInfo(config: HfConfig): ModelInfo {
  const enc = parseEncoderConfig(config);
  const specs = modelSpecs(enc, 'seqcls', 2);
  const prefix = `${enc.prefix}.`;
  let parameters = 0;
  let encoderParameters = 0;
  let largest = 0;
  for (const s of specs) {
    const n = count(s.shape);
    parameters += n;
    if (s.name.startsWith(prefix)) encoderParameters += n;
    largest = Math.max(largest, n * 4);
  }
  return {
    modelType: enc.modelType,
    layers: enc.numLayers,
    hiddenSize: enc.hiddenSize,
    heads: enc.numHeads,
    intermediateSize: enc.intermediateSize,
    vocabSize: enc.vocabSize,
    maxPositions: enc.maxPositions,
    parameters,
    encoderParameters,
    largestTensorBytes: largest,
  };
}

export interface MemoryEstimate {
  weightsBytes: number;
  /** Gradients + AdamW moments of the trainable parameters. */
  optimizerBytes: number;
  /** Activations kept for the backward pass. */
  activationBytes: number;
  totalBytes: number;
  /** The biggest single buffer (attention scores or the embedding matrix), vs maxBufferSize. */
  largestBufferBytes: number;
  trainableParameters: number;
  warnings: string[];
}

export type TrainingMode = 'full' | 'lora' | 'head';

/** Browsers rarely let a page use more than this much GPU memory comfortably on a laptop. */
export const COMFORTABLE_BYTES = 4 * 2 ** 30;

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/**
 * fp32 everywhere. Activations per layer and token: Q, K, V, context, attention output, two LayerNorms,
 * the FFN input/output and the GELU intermediate (≈ 10·H + 2·I floats), plus scores, probabilities and the
 * dropout mask per head (3·T floats). A rough upper bound; TF.js's buffer pool adds reuse slack on top.
 * Mixed precision keeps weights, gradients and AdamW in fp32 and stores what the f16 ops save as f16: the
 * inputs of the attention output and both FFN linears and the GELU input (2·H + 2·I of the 10·H + 2·I).
 */
export function estimateMemory(
  info: ModelInfo,
  opts: { batchSize: number; maxLength: number; mode: TrainingMode; limits?: Record<string, number>; mixedPrecision?: boolean; maskedLm?: boolean },
): MemoryEstimate {
  const { batchSize: B, maxLength: T } = opts;
  const trainable =
    opts.mode === 'full' ? info.parameters : opts.mode === 'head' ? info.parameters - info.encoderParameters : info.parameters - info.encoderParameters + info.layers * 2 * 8 * 2 * info.hiddenSize;
  const weightsBytes = info.parameters * 4;
  const optimizerBytes = trainable * 4 * 3;
  const halfStored = opts.mixedPrecision ? (B * T * (2 * info.hiddenSize + 2 * info.intermediateSize)) / 2 : 0;
  const perLayer = B * T * (10 * info.hiddenSize + 2 * info.intermediateSize) - halfStored + B * info.heads * T * T * 3;
  // A masked LM's logits [B, T, V] and their gradient: for BERT-base at B 8, T 512 each is 500 MB, one buffer.
  const vocabLogitsBytes = opts.maskedLm ? B * T * info.vocabSize * 4 : 0;
  const activationBytes =
    (opts.mode === 'head' ? B * T * info.hiddenSize * 4 * 2 : (perLayer * info.layers + B * T * info.hiddenSize * 3) * 4) + 2 * vocabLogitsBytes;
  const largestBufferBytes = Math.max(info.largestTensorBytes, B * info.heads * T * T * 4, vocabLogitsBytes);
  const totalBytes = weightsBytes + optimizerBytes + activationBytes;
  const warnings: string[] = [];
  const maxBuffer = opts.limits?.maxBufferSize;
  const maxBinding = opts.limits?.maxStorageBufferBindingSize;
  if (maxBuffer && largestBufferBytes > maxBuffer) {
    warnings.push(`A single buffer needs ${gib(largestBufferBytes)}, more than this GPU allows (${gib(maxBuffer)}): lower the batch size or max length.`);
  } else if (maxBinding && largestBufferBytes > maxBinding) {
    warnings.push(`A single buffer needs ${gib(largestBufferBytes)}, more than one shader may bind (${gib(maxBinding)}): lower the batch size or max length.`);
  }
  if (totalBytes > COMFORTABLE_BYTES) {
    warnings.push(`About ${gib(totalBytes)} of GPU memory: more than most laptops give a page. Try the Low memory preset, a smaller batch or a shorter max length.`);
  }
  return { weightsBytes, optimizerBytes, activationBytes, totalBytes, largestBufferBytes, trainableParameters: trainable, warnings };
}

export type { EncoderConfig };

/** What a TrainConfig trains: everything, LoRA adapters and the head, or the head alone. */
export function trainingMode(c: Pick<TrainConfig, 'lora' | 'freeze'>): TrainingMode {
  return c.lora ? 'lora' : c.freeze.encoder ? 'head' : 'full';
}

/** The estimate for a run's config: its batch size, training mode and precision. */
export function estimateForConfig(info: ModelInfo, c: TrainConfig, maxLength: number, opts: { limits?: Record<string, number>; maskedLm?: boolean } = {}): MemoryEstimate {
  return estimateMemory(info, { batchSize: c.batchSize, maxLength, mode: trainingMode(c), limits: opts.limits, mixedPrecision: c.mixedPrecision, maskedLm: opts.maskedLm });
}
