/**
 * The runtime the browser uses: onnxruntime-web's WebAssembly backend (what transformers.js runs in a page),
 * here in Node. Every fixture export, float and quantized, runs there to the same outputs as in
 * onnxruntime-node: HF's logits at parity's tolerance, and the quantized graphs within their budget.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, expect, test } from 'vitest';
import { parseEncoderConfig } from '../../../src/engine/config';
import { collectChunks, exportOnnx, weightsFromSafetensors } from '../../../src/export/onnx/index';
import type { ArrayJson, CaseJson } from '../../../src/parity/caseFile';
import { checkOutput } from '../../../src/parity/compare';
import { ARCHS, HEADS, readCase, safetensorsOf } from './onnxFixture';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

const feedsFor = (json: CaseJson, names: readonly string[]) =>
  Object.fromEntries(
    names.map((n) => {
      const a = json.inputs[n as 'input_ids' | 'attention_mask' | 'token_type_ids']!;
      return [n, new ort.Tensor('int64', BigInt64Array.from(a.data.map((v) => BigInt(v))), a.shape)];
    }),
  );

test('float and quantized exports of all 20 cases run in onnxruntime-web (wasm) to the fixtures', async () => {
  for (const arch of ARCHS) {
    for (const head of HEADS) {
      const name = `${arch}-${head}`;
      const { json, dir, config } = readCase(name);
      for (const quantize of [false, true]) {
        const model = exportOnnx({ config, weights: weightsFromSafetensors(safetensorsOf(dir), parseEncoderConfig(config)), quantize });
        const session = await ort.InferenceSession.create(await collectChunks(model.chunks), { executionProviders: ['wasm'] });
        const result = await session.run(feedsFor(json, session.inputNames));
        for (const out of model.outputNames) {
          const check = checkOutput(out, result[out].data as Float32Array, (json.outputs![out] as ArrayJson).data);
          if (quantize) expect(check.worst, `${name} quantized ${out}`).toBeLessThan(0.15);
          else expect(check.pass, `${name} ${out}: ${check.worst.toExponential(2)}`).toBe(true);
        }
        await session.release();
      }
    }
  }
});
