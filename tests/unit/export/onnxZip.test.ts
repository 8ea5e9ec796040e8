/** The ONNX layout added to a checkpoint's files, zipped as the page zips a run, runs to the fixture's logits. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { onnxFolderFiles } from '../../../src/export/onnx/checkpointFiles';
import { buildRunZip } from '../../../src/export/zip';
import type { ArrayJson } from '../../../src/parity/caseFile';
import { checkOutput } from '../../../src/parity/compare';
import { caseFeeds, FIXTURES, readCase } from './onnxFixture';

test('a checkpoint folder gains onnx/model.onnx (stored, not deflated) and the tokenizer files transformers.js needs', async () => {
  const name = 'distilbert-tokcls';
  const checkpoint = Object.fromEntries(['config.json', 'model.safetensors', 'vocab.txt'].map((f) => [f, new Uint8Array(readFileSync(join(FIXTURES, name, f)))]));
  const { files, architecture } = await onnxFolderFiles(checkpoint);
  expect(architecture).toBe('DistilBertForTokenClassification');
  expect(Object.keys(files).sort()).toEqual(['onnx/model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);

  const zip = buildRunZip({ folder: 'run', files: { ...checkpoint, ...files }, trainingConfig: {}, metrics: {}, readme: '#' });
  const entries = unzipSync(zip);
  expect(Object.keys(entries).filter((k) => !k.endsWith('/')).sort()).toEqual(
    ['README.md', 'config.json', 'metrics.json', 'model.safetensors', 'onnx/model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'training_config.json', 'vocab.txt'].map((f) => `run/${f}`),
  );
  // Float weights do not deflate; stored, the zip is at least as big as the two weight files together.
  expect(zip.length).toBeGreaterThan(files['onnx/model.onnx'].length + checkpoint['model.safetensors'].length);

  const { json } = readCase(name);
  const session = await ort.InferenceSession.create(entries['run/onnx/model.onnx']);
  const { logits } = await session.run(caseFeeds(json, session.inputNames as string[]));
  expect(checkOutput('logits', logits.data as Float32Array, (json.outputs!.logits as ArrayJson).data).pass).toBe(true);
  await session.release();
});
