/** The memory estimate with mixed precision: same weights and AdamW state, the f16-stored activations halved. */
import { expect, test } from 'vitest';
import { estimateMemory, modelInfo } from '../../../src/estimate/memory';

const BERT_MINI = { model_type: 'bert', vocab_size: 30522, hidden_size: 256, num_hidden_layers: 4, num_attention_heads: 4, intermediate_size: 1024, max_position_embeddings: 512, type_vocab_size: 2 };

test('mixed precision halves the stored linear inputs and GELU input, nothing else', () => {
  const info = modelInfo(BERT_MINI);
  const opts = { batchSize: 8, maxLength: 128, mode: 'full' as const };
  const f32 = estimateMemory(info, opts);
  const mixed = estimateMemory(info, { ...opts, mixedPrecision: true });
  expect(mixed.weightsBytes).toBe(f32.weightsBytes);
  expect(mixed.optimizerBytes).toBe(f32.optimizerBytes);
  // Per layer (2·H + 2·I)·B·T values go from 4 to 2 bytes.
  expect(f32.activationBytes - mixed.activationBytes).toBe(4 * (2 * 256 + 2 * 1024) * 8 * 128 * 2);
  expect(mixed.totalBytes).toBe(f32.totalBytes - (f32.activationBytes - mixed.activationBytes));
  expect(estimateMemory(info, { ...opts, mode: 'head', mixedPrecision: true }).activationBytes).toBe(estimateMemory(info, { ...opts, mode: 'head' }).activationBytes);
});
