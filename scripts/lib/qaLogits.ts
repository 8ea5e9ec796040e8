/**
 * `npm run train` on QA also writes qa_logits.jsonl: every validation window's start/end logits with the
 * context offsets of its tokens, the input `npm run ensemble` averages per window before n-best decoding. The
 * logits come from the run's exported checkpoint/onnx/model.onnx through ONNX Runtime (the same numbers as the
 * studio's engine to ~1e-6), window by window, so nothing of the train worker has to carry [N, T] logits out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QaExample } from '../../src/data/types.ts';
import type { FeatureSet } from '../../src/tokenize/features.ts';

export async function writeQaLogits(out: string, onnxFile: string, f: FeatureSet, examples: readonly QaExample[]): Promise<number> {
  if (!f.exampleIndex || !f.offsets) throw new Error('QA features without example index or offsets');
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(onnxFile);
  const lines: string[] = [];
  for (let r = 0; r < f.count; r++) {
    let T = 0;
    for (let t = 0; t < f.seqLen; t++) if (f.attentionMask[r * f.seqLen + t]) T = t + 1;
    const row = (a: Int32Array) => new ort.Tensor('int64', BigInt64Array.from(a.subarray(r * f.seqLen, r * f.seqLen + T), (v) => BigInt(v)), [1, T]);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { input_ids: row(f.inputIds), attention_mask: row(f.attentionMask) };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = f.tokenTypeIds ? row(f.tokenTypeIds) : new ort.Tensor('int64', new BigInt64Array(T), [1, T]);
    const res = await session.run(feeds);
    const offsets: ([number, number] | null)[] = [];
    for (let t = 0; t < T; t++) {
      const s = f.offsets[(r * f.seqLen + t) * 2];
      offsets.push(s < 0 ? null : [s, f.offsets[(r * f.seqLen + t) * 2 + 1]]);
    }
    const id = examples[f.exampleIndex[r]].id;
    lines.push(JSON.stringify({ id, start_logits: Array.from(res.start_logits.data as Float32Array), end_logits: Array.from(res.end_logits.data as Float32Array), offsets }));
  }
  writeFileSync(join(out, 'qa_logits.jsonl'), lines.length ? `${lines.join('\n')}\n` : '');
  return f.count;
}
