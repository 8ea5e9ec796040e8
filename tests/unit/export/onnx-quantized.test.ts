/**
 * model_quantized.onnx: 8-bit Linear layers (uint8 weights with one scale per output channel, activations
 * quantized per tensor at run time). Checked against the HF fixtures with the accuracy change it has on these
 * tiny random models (worst measured 0.11 of the tensor's max, electra-seqcls; most cases 0.01–0.05), loaded
 * by ORT without warnings, and the weight quantization itself by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, expect, test } from 'vitest';
import { parseEncoderConfig } from '../../../src/engine/config';
import { collectChunks, exportOnnx, weightsFromSafetensors } from '../../../src/export/onnx/index';
import { quantizeTransposed } from '../../../src/export/onnx/quantize';
import type { ArrayJson } from '../../../src/parity/caseFile';
import { checkOutput } from '../../../src/parity/compare';
import { ARCHS, caseFeeds, exportCase, HEADS, readCase, safetensorsOf } from './onnxFixture';

const dir = mkdtempSync(join(tmpdir(), 'onnx-quantized-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The accuracy change of 8-bit weights and activations on the fixtures, relative to each output's max. */
const QUANTIZED_BUDGET = 0.15;

test('per-output-channel scales, round to nearest, zero point 128, transposed to [in, out]', () => {
  // W [out 3, in 2]: row 0 max 0.5, row 1 all zero, row 2 max 2.54.
  const { q, scales } = quantizeTransposed(Float32Array.from([0.5, -0.3, 0, 0, 2.54, -1]), 3, 2);
  expect(Array.from(scales)).toEqual([Math.fround(0.5 / 127), 1, Math.fround(2.54 / 127)]);
  // q[i * out + o]: column o is output channel o.
  // -0.3 / (0.5 / 127) = -76.2 → -76; -1 / (2.54 / 127) = -50.
  expect(Array.from(q)).toEqual([128 + 127, 128, 128 + 127, 128 - 76, 128, 128 - 50]);
});

test('all 20 cases: quantized logits within the documented budget of HF, smaller files, no ORT warning', async () => {
  const paths: string[] = [];
  for (const arch of ARCHS) {
    for (const head of HEADS) {
      const name = `${arch}-${head}`;
      const { json, dir: caseDir, config } = readCase(name);
      const model = exportOnnx({ config, weights: weightsFromSafetensors(safetensorsOf(caseDir), parseEncoderConfig(config)), quantize: true });
      const bytes = await collectChunks(model.chunks, model.byteLength); // also checks the planned size
      expect(bytes.length).toBeLessThan((await exportCase(name)).bytes.length);
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      paths.push(path);
      const session = await ort.InferenceSession.create(bytes);
      const result = await session.run(caseFeeds(json, model.inputNames));
      for (const out of model.outputNames) {
        const check = checkOutput(out, result[out].data as Float32Array, (json.outputs![out] as ArrayJson).data);
        expect(check.worst, `${name} ${out}`).toBeLessThan(QUANTIZED_BUDGET);
        expect(check.worst, `${name} ${out} is not quantized`).toBeGreaterThan(1e-4);
      }
      await session.release();
    }
  }
  const run = spawnSync(process.execPath, ['tests/unit/export/ortSessionLog.mjs', ...paths], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout.match(/^ok /gm)?.length).toBe(20);
  expect(run.stderr).toBe('');
});
