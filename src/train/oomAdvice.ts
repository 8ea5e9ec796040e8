/**
 * Out of GPU memory, in numbers: what the run needs by the estimate of src/estimate/memory.ts, what the adapter
 * allows, and each change that would help with what it would need then (smaller batch with gradient accumulation
 * keeping the effective batch, a shorter max length, mixed precision, LoRA). Pure, so the page and tests share it.
 */
import { adapterLimits } from '../engine/backend';
import type { BertFamilyModel } from '../engine/model';
import { estimateForConfig, modelInfo, type MemoryEstimate, type ModelInfo } from '../estimate/memory';
import { DEFAULT_LORA, type TrainConfig } from './config';
import { TrainError } from './gpuWatch';

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

export interface RunShape {
  info: ModelInfo;
  config: TrainConfig;
  /** The sequence length batches are padded to (the longest bucket). */
  maxLength: number;
  maskedLm: boolean;
  limits?: Record<string, number>;
}

const estimate = (r: RunShape, c: TrainConfig, maxLength: number): MemoryEstimate => estimateForConfig(r.info, c, maxLength, { limits: r.limits, maskedLm: r.maskedLm });

/** Whether the run certainly cannot start: one buffer larger than the adapter's maxBufferSize. */
export function exceedsBufferLimit(r: RunShape): boolean {
  const max = r.limits?.maxBufferSize;
  return !!max && estimate(r, r.config, r.maxLength).largestBufferBytes > max;
}

export function oomAdvice(r: RunShape, detail: string): { message: string; hint: string } {
  const c = r.config;
  const now = estimate(r, c, r.maxLength);
  const maxBuffer = r.limits?.maxBufferSize;
  const message =
    `GPU out of memory at batch size ${c.batchSize} × max length ${r.maxLength} (${detail}). ` +
    `Estimated need: ${gib(now.totalBytes)} (weights ${gib(now.weightsBytes)}, gradients + AdamW ${gib(now.optimizerBytes)}, activations ${gib(now.activationBytes)}); ` +
    `largest single buffer ${gib(now.largestBufferBytes)}${maxBuffer ? ` (this GPU allows ${gib(maxBuffer)} per buffer)` : ''}.`;
  const options: string[] = [];
  const need = (changed: TrainConfig, maxLength = r.maxLength) => gib(estimate(r, changed, maxLength).totalBytes);
  if (c.batchSize > 1) {
    const b = Math.ceil(c.batchSize / 2);
    const ga = c.gradientAccumulationSteps * 2;
    options.push(`batch size ${b} with gradient accumulation ${ga} (the same effective batch of ${c.batchSize * c.gradientAccumulationSteps}): ~${need({ ...c, batchSize: b, gradientAccumulationSteps: ga })}`);
  }
  if (r.maxLength > 64) options.push(`max length ${Math.floor(r.maxLength / 2)}: ~${need(c, Math.floor(r.maxLength / 2))}`);
  if (!c.mixedPrecision) options.push(`mixed precision: ~${need({ ...c, mixedPrecision: true })}`);
  if (!c.lora && !c.freeze.encoder) options.push(`LoRA (no AdamW state for the encoder): ~${need({ ...c, lora: { ...DEFAULT_LORA } })}`);
  const hint = options.length ? `Lower what the run needs: ${options.join('; ')}. The run is kept at its last resume point.` : 'Close other GPU-heavy tabs and resume: the run is kept at its last resume point.';
  return { message, hint };
}

/** An out-of-memory TrainError with the numbers and the options (other errors as they are). */
export async function withOomAdvice(err: TrainError, run: { model: BertFamilyModel; config: TrainConfig; maxLength: number }): Promise<TrainError> {
  if (err.kind !== 'out_of_memory') return err;
  try {
    const shape = { info: modelInfo(run.model.hfConfig), config: run.config, maxLength: run.maxLength, maskedLm: run.model.head === 'mlm', limits: (await adapterLimits()) ?? undefined };
    const { message, hint } = oomAdvice(shape, err.message.replace(/^GPU out of memory: /, ''));
    return new TrainError('out_of_memory', message, hint);
  } catch {
    return err;
  }
}
