import { describe, expect, test } from 'vitest';
import { modelInfo } from '../../../src/estimate/memory.ts';
import { resolveTrainConfig } from '../../../src/train/config.ts';
import { exceedsBufferLimit, oomAdvice } from '../../../src/train/oomAdvice.ts';

// BERT-base's shapes (config.json of bert-base-uncased).
const bertBase = modelInfo({ model_type: 'bert', architectures: ['BertForMaskedLM'], hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, vocab_size: 30522, max_position_embeddings: 512, type_vocab_size: 2 });
const limits = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 };

describe('out-of-memory advice', () => {
  test('says what the run needs and, per change, what it would need then', () => {
    const config = resolveTrainConfig({ batchSize: 32, gradientAccumulationSteps: 1 });
    const { message, hint } = oomAdvice({ info: bertBase, config, maxLength: 512, maskedLm: false, limits }, 'Failed to allocate buffer');
    expect(message).toMatch(/^GPU out of memory at batch size 32 × max length 512 \(Failed to allocate buffer\)\. Estimated need: [\d.]+ GiB \(weights 0\.41 GiB/);
    expect(message).toMatch(/this GPU allows 1\.00 GiB per buffer/);
    expect(hint).toMatch(/batch size 16 with gradient accumulation 2 \(the same effective batch of 32\): ~[\d.]+ GiB/);
    expect(hint).toMatch(/max length 256: ~[\d.]+ GiB; mixed precision: ~[\d.]+ GiB; LoRA \(no AdamW state for the encoder\): ~[\d.]+ GiB/);
    // Each option needs less than the run as configured.
    const total = Number(/Estimated need: ([\d.]+) GiB/.exec(message)![1]);
    for (const m of hint.matchAll(/~([\d.]+) GiB/g)) expect(Number(m[1])).toBeLessThan(total);
  });

  test('a masked LM counts its [B, T, V] logits: BERT-base at 8 × 512 needs a 477 MiB buffer, over a 256 MiB limit', () => {
    const config = resolveTrainConfig({ batchSize: 8 });
    const small = { maxBufferSize: 2 ** 28 };
    expect(exceedsBufferLimit({ info: bertBase, config, maxLength: 512, maskedLm: true, limits: small })).toBe(true);
    expect(exceedsBufferLimit({ info: bertBase, config, maxLength: 512, maskedLm: false, limits: small })).toBe(false);
    expect(exceedsBufferLimit({ info: bertBase, config, maxLength: 128, maskedLm: true, limits: small })).toBe(false);
  });
});
