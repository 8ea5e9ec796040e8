/**
 * The model card's transformers.js snippet, run as written: extracted from the card, executed by Node from the
 * folder that holds the unzipped export (a fixture exported to ONNX under the run's folder name).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { modelCard } from '../../../src/export/modelCard';
import { collectChunks } from '../../../src/export/onnx/index';
import { onnxFromSource } from '../../../src/export/onnx/fromSource';
import { exportTokenizerFiles } from '../../../src/export/tokenizerFiles';
import { safeName } from '../../../src/export/zip';
import type { RunRecord } from '../../../src/persist/runs';
import { dirSource } from '../../../scripts/lib/node-source';
import { FIXTURES, readCase } from './onnxFixture';

const unzipped = mkdtempSync(join(tmpdir(), 'card-onnx-'));
// The script lives under node_modules so that its bare import resolves to this repository's transformers.js.
const scripts = mkdtempSync(resolve('node_modules/.card-snippet-'));
afterAll(() => [unzipped, scripts].forEach((d) => rmSync(d, { recursive: true, force: true })));

const run = {
  id: 'run 7/multi', name: 'multilabel · fixture', task: 'multilabel', labels: [], model: { kind: 'hub', id: 'x' }, modelLabel: 'x',
  config: {}, maxLength: 16, totalSteps: 1, lastStep: 1, bestStep: null, bestMetric: null, parameters: 1, trainableParameters: 1,
  data: { files: [], splits: { train: 0, validation: 0, test: 0 }, labelCounts: {}, invalidRows: 0 }, final: null,
} as unknown as RunRecord;

test('without onnx the card is unchanged; with it, its transformers.js snippet runs and returns the fixture label', async () => {
  expect(modelCard(run, null)).not.toMatch(/transformers\.js|```js\n/);
  const card = modelCard(run, null, undefined, { onnx: true });
  const snippet = /```js\n([\s\S]*?)```/.exec(card)?.[1];
  expect(snippet).toContain(`pipeline('text-classification', './${safeName(run.id)}', { dtype: 'fp32' })`);

  const source = dirSource(join(FIXTURES, 'bert-multilabel'));
  const { config, model } = await onnxFromSource(source);
  const folder = join(unzipped, safeName(run.id));
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  writeFileSync(join(folder, 'onnx/model.onnx'), await collectChunks(model.chunks));
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  const { files } = await exportTokenizerFiles(config, async (f) => {
    const b = await source.read(f);
    return b && new Uint8Array(b);
  });
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(folder, f), bytes);

  // The snippet's placeholder text becomes the fixture's first text, whose top label HF's logits give.
  const { json } = readCase('bert-multilabel');
  const text = (json.inputs as unknown as { texts: string[] }).texts[0];
  const script = join(scripts, 'snippet.mjs');
  writeFileSync(script, snippet!.replace("'Put your text here.'", JSON.stringify(text)));
  const out = spawnSync(process.execPath, [script], { cwd: unzipped, encoding: 'utf8', timeout: 60_000 });
  expect(out.status, out.stderr).toBe(0);
  const logits = (json.outputs!.logits as { data: number[] }).data.slice(0, 5);
  const best = logits.indexOf(Math.max(...logits));
  expect(out.stdout).toContain(`label: '${config.id2label![String(best)]}'`);
});
