/**
 * The ONNX export against Hugging Face: every architecture × head of the fixtures, exported, run by ONNX
 * Runtime (onnxruntime-node) and compared with the logits transformers 4.27 computed, at parity's forward
 * tolerance (max|a-b| ≤ 1e-5·max|ref| + 1e-6).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { checkOutput } from '../../../src/parity/compare';
import type { ArrayJson } from '../../../src/parity/caseFile';
import { ARCHS, caseFeeds, exportCase, HEADS, readCase } from './onnxFixture';

const OUTPUTS: Record<string, string[]> = { qa: ['start_logits', 'end_logits'] };

describe('ONNX export reproduces the HF fixtures in ONNX Runtime', () => {
  for (const arch of ARCHS) {
    for (const head of HEADS) {
      const name = `${arch}-${head}`;
      test(name, async () => {
        const { json } = readCase(name);
        const model = await exportCase(name);
        const expectedOutputs = OUTPUTS[head] ?? ['logits'];
        expect(model.outputNames).toEqual(expectedOutputs);
        expect(model.inputNames).toEqual(arch === 'bert' || arch === 'electra' ? ['input_ids', 'attention_mask', 'token_type_ids'] : ['input_ids', 'attention_mask']);
        const session = await ort.InferenceSession.create(model.bytes);
        const result = await session.run(caseFeeds(json, model.inputNames));
        for (const out of expectedOutputs) {
          const ref = json.outputs![out] as ArrayJson;
          expect(result[out].dims).toEqual(ref.shape);
          const check = checkOutput(out, result[out].data as Float32Array, ref.data);
          expect(check.pass, `${name} ${out}: worst relative error ${check.worst.toExponential(2)}`).toBe(true);
        }
        await session.release();
      });
    }
  }
});
