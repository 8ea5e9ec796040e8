/** Shared by the ONNX tests: a fixture case exported to ONNX, and its inputs as ORT tensors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseEncoderConfig, type HfConfig } from '../../../src/engine/config';
import { parseSafetensors } from '../../../src/engine/safetensors';
import { collectChunks, exportOnnx, weightsFromSafetensors, type OnnxHead } from '../../../src/export/onnx/index';
import type { ArrayJson, CaseJson } from '../../../src/parity/caseFile';

export const FIXTURES = 'tests/fixtures/hf-reference';
export const ARCHS = ['bert', 'roberta', 'electra', 'distilbert'] as const;
export const HEADS = ['seqcls', 'multilabel', 'qa', 'tokcls', 'mlm'] as const;

export function readCase(name: string): { dir: string; config: HfConfig; json: CaseJson } {
  const dir = join(FIXTURES, name);
  return {
    dir,
    config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as HfConfig,
    json: JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson,
  };
}

export function safetensorsOf(dir: string) {
  const buf = readFileSync(join(dir, 'model.safetensors'));
  return parseSafetensors(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer).tensors;
}

/** The fixture model as .onnx bytes, built from its config.json and model.safetensors. */
export async function exportCase(name: string, head?: OnnxHead): Promise<{ bytes: Uint8Array; inputNames: string[]; outputNames: string[] }> {
  const { dir, config } = readCase(name);
  const model = exportOnnx({ config, head, weights: weightsFromSafetensors(safetensorsOf(dir), parseEncoderConfig(config)) });
  return { bytes: await collectChunks(model.chunks, model.byteLength), inputNames: model.inputNames, outputNames: model.outputNames };
}

export const int64Tensor = (a: ArrayJson) => new ort.Tensor('int64', BigInt64Array.from(a.data.map((v) => BigInt(v))), a.shape);

/** The case's model inputs, only those the graph declares (RoBERTa and DistilBERT take no token_type_ids). */
export function caseFeeds(json: CaseJson, inputNames: string[]): Record<string, ort.Tensor> {
  const all: Record<string, ArrayJson | undefined> = {
    input_ids: json.inputs.input_ids,
    attention_mask: json.inputs.attention_mask,
    token_type_ids: json.inputs.token_type_ids,
  };
  return Object.fromEntries(inputNames.map((n) => {
    const a = all[n];
    if (!a) throw new Error(`the case has no ${n}`);
    return [n, int64Tensor(a)];
  }));
}
