/**
 * The studio end to end, against the production build in headless Chromium with WebGPU (SwiftShader):
 * drop a CSV → accept the mapping → built-in model → Quick try (shortened for a software GPU) → the loss
 * chart has points → the results show a confusion matrix → reload mid-run and the run resumes exactly from its
 * checkpoint → download the zip → its config.json and model.safetensors load back with the project's own
 * loader (in Node) and give the same predictions, and the zip dropped into the playground predicts the same.
 * Screenshots of every step go to test-results/studio/ for a person to look at.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { findChrome, WEBGPU_ARGS } from '../../scripts/lib/chromium';
import { blobSource } from '../../src/data/read';
import { DataSession } from '../../src/data/session';
import type { ClassificationExample } from '../../src/data/types';
import { loadModel } from '../../src/engine/checkpoint';
import { memorySource } from '../../src/hub/source';
import { loadTokenizer } from '../../src/tokenize/index';
import { DEMO_LEARNING_RATE } from '../../src/train/config';
import { evaluateSplit } from '../../src/train/evaluate';

const SHOTS = 'test-results/studio';
const CSV = 'tests/e2e/poem_sentiment.csv';
const MAX_LENGTH = 32;
/** Enough steps that the run is still going when the page reloads after its first checkpoint (a tiny-model step takes a fraction of a second with our kernels, even on SwiftShader). */
const STEPS = 40;
let server: PreviewServer;
let browser: Browser;
let origin = '';
let shot = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await build({ logLevel: 'error', build: { outDir: 'dist', emptyOutDir: true } });
  server = await preview({ preview: { host: '127.0.0.1', port: 0 }, build: { outDir: 'dist' }, logLevel: 'error' });
  origin = server.resolvedUrls!.local[0];
  browser = await chromium.launch({ executablePath: findChrome(), args: WEBGPU_ARGS });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the build ships no ONNX Runtime: transformers.js serves tokenizers only', () => {
  const assets = readdirSync('dist/assets');
  expect(assets.filter((f) => f.endsWith('.wasm') || f.startsWith('ort-'))).toEqual([]);
  const bytes = assets.reduce((n, f) => n + statSync(`dist/assets/${f}`).size, 0);
  expect(bytes).toBeLessThan(10 * 2 ** 20);
});

const snap = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${String(++shot).padStart(2, '0')}-${name}.png`, fullPage: true });
/**
 * `pick` is an expression over `s`, the store the page exposes as `globalThis.studio` (state only). It is sent
 * as an expression, not compiled in the page: the page's CSP forbids `new Function`.
 */
const overState = (pick: string) => `((s) => (${pick}))(globalThis.studio.getState())`;
const state = <T>(page: Page, pick: string): Promise<T> => page.evaluate(overState(pick)) as Promise<T>;

/** A real drop: a DataTransfer holding the file, dispatched on the drop zone. */
async function dropFile(page: Page, testId: string, path: string, type: string) {
  const b64 = readFileSync(path).toString('base64');
  const name = path.split('/').pop()!;
  const dt = await page.evaluateHandle(
    ({ b64, name, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
      return dt;
    },
    { b64, name, type },
  );
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: dt });
}

/**
 * Every visible control (button, input, select, textarea, link, slider, anything with a tabindex) must have an
 * accessible name (aria-label, aria-labelledby, a <label>, its text, or a title) and be reachable with Tab.
 * Returns one line per control that is not, naming it by tag, type and test id.
 */
async function controlProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const nameOf = (el: HTMLElement): string => {
      const aria = el.getAttribute('aria-label')?.trim();
      if (aria) return aria;
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length) return [...labels].map(text).join(' ').trim();
      if (el.closest('label')) return text(el.closest('label'));
      if (el.matches('button, a, [role="button"], [role="tab"], summary')) return text(el) || el.title;
      return el.title ?? '';
    };
    const visible = (el: HTMLElement) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const sel = 'button, input, select, textarea, a[href], summary, [role="button"], [role="slider"], [role="tab"], [tabindex]';
    const problems: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (!visible(el)) continue;
      const what = `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : ''}${el.dataset.testid ? `#${el.dataset.testid}` : ''} "${text(el).slice(0, 40)}"`;
      if (!nameOf(el)) problems.push(`${what}: no accessible name`);
      if (el.tabIndex < 0 && !(el as HTMLButtonElement).disabled) problems.push(`${what}: not reachable with Tab (tabindex ${el.tabIndex})`);
    }
    return problems;
  });
}

/**
 * Main-thread long tasks (> 50 ms), observed from page load (an init script, so a reload observes again):
 * `takeLongTasks` returns the durations since the last call and forgets them.
 */
const LONG_TASK_OBSERVER = `window.__longTasks = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true });`;
async function takeLongTasks(page: Page): Promise<number[]> {
  const tasks = (await page.evaluate('(() => { const t = window.__longTasks; window.__longTasks = []; return t ?? null; })()')) as number[] | null;
  if (!tasks) throw new Error('the long-task observer is not installed in the page');
  return tasks;
}

/** Polls from Node: Playwright's own polling of a string predicate would `eval` in the page, which the CSP blocks. */
async function waitFor(page: Page, pick: string, timeout: number) {
  const until = Date.now() + timeout;
  while (!(await state<unknown>(page, pick).catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${pick}`);
    await page.waitForTimeout(500);
  }
}

/** The validation split and predictions the project's own code gives for the exported files, on TF.js's CPU backend. */
async function predictInNode(files: Record<string, Uint8Array>) {
  await tf.setBackend('cpu');
  const source = memorySource(files);
  const session = new DataSession();
  const summary = await session.parse([{ source: blobSource(new Blob([readFileSync(CSV)]), 'poem_sentiment.csv') }], { split: { validation: 0.1, test: 0, seed: 42 } });
  session.useTokenizer(await loadTokenizer(source));
  const features = await session.encode('validation', { maxLength: MAX_LENGTH });
  const { model } = await loadModel(source);
  const out = await evaluateSplit(model, 'classification', summary.labels, { features }, { batchSize: 8 });
  return { predictions: out.predictions, examples: session.result!.examples.validation as ClassificationExample[] };
}

test('studio: CSV → built-in model → Quick try → charts, results, resume after reload, zip that loads back', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await walkThrough(page, errors);
  } catch (e) {
    // What the page showed and held when it failed, for the person reading the report.
    await snap(page, 'failure').catch(() => undefined);
    const dump = await page
      .evaluate(() => {
        const s = (globalThis as any).studio.getState();
        return { runState: s.runState, prepare: s.prepareMessage, error: s.runError, steps: s.history.step, evals: s.history.evalStep, checkpoint: s.checkpointStep, logs: s.logs, data: s.dataError, model: s.modelError };
      })
      .catch((err: Error) => ({ unavailable: err.message }));
    writeFileSync(`${SHOTS}/failure.json`, JSON.stringify({ error: (e as Error).message, pageErrors: errors, state: dump }, null, 2));
    throw e;
  } finally {
    await page.close();
  }
}, 1_200_000);

async function walkThrough(page: Page, errors: string[]) {
  await page.addInitScript(LONG_TASK_OBSERVER);
  // ?kernels= forces a kernel family; a wrong value is named and the page falls back to auto.
  await page.goto(`${origin}/?kernels=workgroup`);
  await expect(page.getByTestId('kernels').textContent({ timeout: 60_000 })).resolves.toMatch(/Mode workgroup \(forced with \?kernels=\)/);
  await page.goto(`${origin}/?kernels=fast`);
  await expect(page.getByTestId('kernels').textContent({ timeout: 60_000 })).resolves.toMatch(/Mode auto.*"fast" is not one of auto, flat, workgroup, tfjs; using auto/);
  await page.goto(origin);
  await page.getByTestId('adapter').waitFor({ timeout: 60_000 });

  // Keyboard: the data drop zone's picker is a real button that opens the file chooser on Enter.
  const picker = page.getByTestId('data-drop').getByRole('button', { name: 'Choose data files' });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), picker.press('Enter')]);
  expect(chooser.isMultiple()).toBe(true);

  // 1. Data: drop the CSV; one row is invalid (empty text) and is reported with its line.
  await takeLongTasks(page);
  await dropFile(page, 'data-drop', CSV, 'text/csv');
  const problems = page.getByRole('region', { name: 'Validation errors' });
  await problems.waitFor({ timeout: 60_000 });
  await expect(problems.textContent()).resolves.toMatch(/poem_sentiment\.csv\s*13\s*text/);
  await page.getByLabel(/Continue without the 1 invalid row/).check();
  await page.getByRole('button', { name: 'Accept mapping' }).click();
  await snap(page, 'data');

  // 2. Model: the built-in tiny model; parameters and a memory estimate appear.
  await page.getByTestId('builtin-model').click();
  await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
  await waitFor(page, 's.tokenStats !== null', 60_000);
  // Parsing, validation and tokenization ran in the data worker: the page's main thread only rendered.
  const dataLongTasks = await takeLongTasks(page);
  await snap(page, 'model');

  // 3. Train: Quick try, shortened for a software GPU (each step takes seconds on SwiftShader).
  await page.getByLabel(/Quick try/).check();
  await page.getByLabel('Max steps').fill(String(STEPS));
  await page.getByLabel('Batch size', { exact: true }).fill('4');
  await page.getByLabel('Eval every (steps)').fill('3');
  await page.getByText('More settings').click();
  await page.getByLabel('Log every (steps)').fill('1');
  await page.getByLabel('max_length').fill(String(MAX_LENGTH));
  // Leave the field before the full-page screenshot: headless Chromium otherwise scrolls back to the focused
  // input on the next mousedown (after the screenshot's viewport resize), and the click misses its button.
  await page.getByLabel('max_length').blur();
  // The token statistics are recounted for the new max_length (the layout moves when they land).
  await waitFor(page, `s.tokenStatus === 'ready' && s.tokenStats.tokens.maxLength === ${MAX_LENGTH}`, 60_000);
  await snap(page, 'train-form');
  expect(await controlProblems(page)).toEqual([]);
  await takeLongTasks(page);
  await page.getByRole('button', { name: 'Start training' }).click();
  await waitFor(page, "s.runState !== 'idle'", 10_000);

  // 4. Live: the loss chart gets points.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-loss"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 240_000 });
  await snap(page, 'live');
  // The GPU panel lists what the autotuner chose for this run's shapes before the first step.
  await expect(page.getByTestId('kernels').textContent()).resolves.toMatch(/Mode auto[\s\S]*op shapes tuned in[\s\S]*LayerNorm\d+x\d+(flat|workgroup)/);

  // 5. Results: the first evaluation (step 3) brings a confusion matrix.
  await page.getByTestId('confusion-matrix').waitFor({ timeout: 240_000 });
  await snap(page, 'results-step3');

  // 6. Reload mid-run, once a checkpoint is saved: the run is listed and resumes from the latest one.
  await waitFor(page, 's.checkpointStep !== null', 120_000);
  const before = await state<{ id: string; step: number }>(page, '({ id: s.runId, step: s.history.step.at(-1) })');
  expect(before.step).toBeLessThan(STEPS);
  const trainLongTasks = await takeLongTasks(page);
  await page.reload();
  await page.getByTestId('runs').waitFor({ timeout: 60_000 });
  await waitFor(page, `s.runId === ${JSON.stringify(before.id)} && s.runState === 'training'`, 180_000);
  // The reload's own boot (script evaluation, first render, restoring the dataset) is not "while training".
  const bootLongTasks = await takeLongTasks(page);
  // From the latest resume point saved before the reload (evaluations every 3 steps save one).
  const resumedFrom = Number((await state<string[]>(page, 's.logs')).map((l) => /^Resumed from the checkpoint at step (\d+)\.$/.exec(l)?.[1]).find(Boolean));
  expect(resumedFrom % 3).toBe(0);
  expect(resumedFrom).toBeGreaterThanOrEqual(3);
  expect(resumedFrom).toBeLessThanOrEqual(before.step + 3); // a save can land between reading the step and reloading
  await snap(page, 'resumed-after-reload');

  // The resumed run finishes: STEPS steps in all, the steps before the checkpoint kept in the chart.
  await waitFor(page, "s.runState === 'finished' && s.predictions !== null", 420_000);
  const after = await state<{ steps: number[]; status: string; stepOffset: number }>(
    page,
    '({ steps: s.history.step, status: s.runs.find((r) => r.id === s.runId)?.status, stepOffset: s.runs.find((r) => r.id === s.runId)?.stepOffset })',
  );
  expect(after.steps.at(-1)).toBe(STEPS);
  // An exact resume (weights, AdamW state, schedule and data position) keeps the run's own step numbers.
  expect(after.stepOffset).toBe(0);
  // The resume state and the best checkpoint live in OPFS (written and read by the train worker), one of each once
  // the older ones and any write the reload interrupted are swept; the runs list shows the folder's size.
  const stored = await page.evaluate(async (id) => {
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs');
    const dir = (await runs.getDirectoryHandle(id)) as unknown as { keys(): AsyncIterable<string> };
    const names: string[] = [];
    for await (const name of dir.keys()) names.push(name);
    return names.sort();
  }, before.id);
  expect(stored).toEqual([expect.stringMatching(/^best-\d+-\w+$/), expect.stringMatching(/^resume-\d+-\w+\.safetensors$/)]);
  await expect(page.getByTestId('run-bytes').first().textContent()).resolves.toMatch(/^\d+(\.\d+)? (KB|MB)$/);
  expect(after.steps.slice(0, 3)).toEqual([1, 2, 3]);
  await page.getByTestId('confusion-matrix').waitFor();
  trainLongTasks.push(...(await takeLongTasks(page)));
  const longTasks = { data: Math.max(0, ...dataLongTasks), training: Math.max(0, ...trainLongTasks), boot: Math.max(0, ...bootLongTasks), counts: { data: dataLongTasks.length, training: trainLongTasks.length } };
  console.log(`main-thread long tasks: worst ${longTasks.data} ms while the data worker parsed and tokenized (${longTasks.counts.data} over 50 ms), worst ${longTasks.training} ms while training (${longTasks.counts.training} over 50 ms); the reload's boot ${longTasks.boot} ms`);
  // The target is none over 50 ms: measured 0 ms in every phase on this 2-core machine since chart redraws share
  // frames under a budget and the runs list refreshes only what changed (README, "Durability"). The guard leaves a
  // 2× margin for slower machines; anything moved onto the main thread (a parse, a clone of a resume state, a
  // synchronous loop over the data) lands far above it.
  expect(longTasks.data).toBeLessThan(100);
  expect(longTasks.training).toBeLessThan(100);
  expect(longTasks.boot).toBeLessThan(100);
  await snap(page, 'finished');

  // 7. Export: the zip holds a from_pretrained folder plus config, metrics, predictions and the model card.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download the model/ }).click()]);
  const zipPath = `${SHOTS}/model.zip`;
  await download.saveAs(zipPath);
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const files: Record<string, Uint8Array> = {};
  for (const [path, bytes] of Object.entries(entries)) files[path.split('/').pop()!] = bytes;
  for (const name of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json', 'training_config.json', 'metrics.json', 'README.md', 'predictions.jsonl']) {
    expect(Object.keys(files), name).toContain(name);
  }
  // "Continue on a bigger machine": the run as a Trainer project, built in the page from the loaded data.
  const [trainerDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trainer-project').click()]);
  const trainerZip = unzipSync(new Uint8Array(readFileSync(await trainerDownload.path())));
  for (const name of ['train.py', 'tasks.py', 'same_order.py', 'requirements.txt', 'training_config.json', 'README.md', 'data/train.jsonl', 'data/validation.jsonl', 'data/order.json', 'data/features.safetensors', 'data/initial_weights.safetensors']) {
    expect(Object.keys(trainerZip), name).toContain(`trainer/${name}`);
  }
  const trainerConfig = JSON.parse(new TextDecoder().decode(trainerZip['trainer/training_config.json']));
  expect(trainerConfig).toMatchObject({ task: 'classification', labels: ['negative', 'positive'], max_length: MAX_LENGTH, config: { maxSteps: STEPS, batchSize: 4 } });
  const trainRows = new TextDecoder().decode(trainerZip['trainer/data/train.jsonl']).trim().split('\n');
  const validRows = new TextDecoder().decode(trainerZip['trainer/data/validation.jsonl']).trim().split('\n');
  expect([trainRows.length, validRows.length]).toEqual(await state<number[]>(page, '[s.summary.splits.train, s.summary.splits.validation]'));
  const config = JSON.parse(new TextDecoder().decode(files['config.json']));
  expect(config.architectures).toEqual(['BertForSequenceClassification']);
  expect(config.id2label).toEqual({ 0: 'negative', 1: 'positive' });
  expect(config.label2id).toEqual({ negative: 0, positive: 1 });
  expect(config.problem_type).toBe('single_label_classification');
  expect(new TextDecoder().decode(files['README.md'])).toMatch(/pipeline_tag: text-classification/);

  // 8. The project's own loader, in Node, gives the predictions the page wrote.
  const saved = new TextDecoder().decode(files['predictions.jsonl']).trim().split('\n').map((l) => JSON.parse(l) as { label: string; scores: Record<string, number> });
  const { predictions, examples } = await predictInNode(files);
  expect(predictions.length).toBe(saved.length);
  predictions.forEach((p, i) => {
    const q = p as { label: string; scores: Record<string, number> };
    expect(q.label).toBe(saved[i].label);
    for (const [l, v] of Object.entries(saved[i].scores)) expect(Math.abs(q.scores[l] - v)).toBeLessThan(1e-3);
  });

  // 9. Playground: the zip dropped back in predicts the first validation example the same way.
  await dropFile(page, 'playground-drop', zipPath, 'application/zip');
  await waitFor(page, "s.pgStatus === 'ready'", 120_000);
  await page.getByLabel('Text', { exact: true }).fill(examples[0].text);
  await page.getByRole('button', { name: 'Predict' }).click();
  await page.getByTestId('prediction').waitFor({ timeout: 120_000 });
  const pg = await state<{ label: string; scores: Record<string, number> }>(page, 's.pgResult.prediction');
  expect(pg.label).toBe(saved[0].label);
  for (const [l, v] of Object.entries(saved[0].scores)) expect(Math.abs(pg.scores[l] - v)).toBeLessThan(1e-3);
  await page.getByTestId('prediction').scrollIntoViewIfNeeded();
  await snap(page, 'playground');
  expect(await controlProblems(page)).toEqual([]);

  // 10. A second seed of the same run, then the two as an ensemble: each member's score is its own run's accuracy,
  //     recomputed from its saved predictions against the validation rows.
  await page.getByText('More settings').click(); // closed again since the reload
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByLabel('Max steps').fill('6');
  await page.getByRole('button', { name: 'Start training' }).click();
  await waitFor(page, "s.runState === 'finished' && s.predictions !== null && s.runId !== " + JSON.stringify(before.id), 300_000);
  // The runs list is refreshed from storage after the final evaluation is saved.
  await waitFor(page, 's.runs.filter((r) => r.final?.validation).length >= 2', 60_000);
  const accuracies = await state<Record<string, number>>(page, 'Object.fromEntries(s.runs.map((r) => [r.name, r.final?.validation?.metrics.accuracy]))');
  await page.getByTestId('compare-runs').locator('summary').click();
  for (const name of Object.keys(accuracies)) await page.getByTestId('compare-runs').getByLabel(name).check();
  await page.getByTestId('ensemble').getByRole('button', { name: 'Ensemble' }).click();
  await page.getByTestId('ensemble-table').waitFor({ timeout: 60_000 });
  const table = page.getByTestId('ensemble-table').locator('tbody tr');
  expect(await table.count()).toBe(3);
  for (let i = 0; i < 2; i++) {
    const [name, weight, score] = await table.nth(i).locator('td').allTextContents();
    expect(weight).toBe('0.500');
    expect(Number(score)).toBeCloseTo(accuracies[name], 4);
  }
  const [label, , ensembleScore] = await table.nth(2).locator('td').allTextContents();
  expect(label).toBe('ensemble');
  expect(Number(ensembleScore)).toBeGreaterThanOrEqual(0);
  await snap(page, 'ensemble');
  // The ensemble in the playground: each member predicts the first validation row, the scores are averaged; the
  // members' own saved predictions of that row give the same average.
  await page.getByTestId('ensemble-playground').click();
  await waitFor(page, "s.pgEnsemble !== null && s.pgStatus === 'ready'", 10_000);
  await page.locator('form.playground textarea').first().fill(examples[0].text);
  await page.getByRole('button', { name: 'Predict' }).click();
  await waitFor(page, "s.pgStatus === 'ready' && s.pgResult !== null", 120_000);
  const pgEnsemble = await state<{ scores: Record<string, number> }>(page, 's.pgResult.prediction');
  const memberScores = await state<Record<string, number>[]>(page, 's.runs.slice(0, 2).map((r) => r.final.predictions[0].scores)');
  for (const label of ['negative', 'positive']) expect(Math.abs(pgEnsemble.scores[label] - (memberScores[0][label] + memberScores[1][label]) / 2)).toBeLessThan(1e-3);

  writeFileSync(`${SHOTS}/summary.json`, JSON.stringify({ before, after, predictions: saved.length, playground: pg, longTasks }, null, 2));
  expect(errors).toEqual([]);
}

test('"Train the demo": one click loads the demo reviews, the built-in model and Quick try at the demo rate, and trains', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(origin);
    await page.getByRole('button', { name: 'Train the demo' }).click();
    await waitFor(page, "s.runState === 'training' && s.history.step.length > 0", 300_000);
    const run = await state<{ file: string; task: string; labels: string[]; rows: number; lr: number; preset: string | null; epochs: number }>(
      page,
      '({ file: s.summary.files[0].file, task: s.summary.task, labels: s.summary.labels, rows: s.summary.files[0].valid, lr: s.config.learningRate, preset: s.presetId, epochs: s.config.epochs })',
    );
    expect(run).toMatchObject({ file: 'nsmc_sentiment.csv', task: 'classification', labels: ['neg', 'pos'], rows: 5000, lr: DEMO_LEARNING_RATE, epochs: 1 });
    await snap(page, 'demo-training');
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitFor(page, "s.runState === 'finished'", 300_000);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
  }
}, 900_000);

test('masked LM: a .txt corpus → detected as mlm → built-in model → perplexity chart → fill-mask → "Fine-tune this model" starts a classifier from it', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(origin);
    await page.getByTestId('adapter').waitFor({ timeout: 60_000 });
    await dropFile(page, 'data-drop', 'tests/fixtures/data/en_goemotions_comments.sample.txt', 'text/plain');
    await waitFor(page, "s.dataStatus === 'ready'", 60_000);
    expect(await state<{ task: string; columns: object }>(page, '({ task: s.summary.task, columns: s.summary.columns })')).toEqual({ task: 'mlm', columns: { text: 'text' } });
    await page.getByTestId('line-by-line').waitFor();
    await page.getByRole('button', { name: 'Accept mapping' }).click();
    await page.getByTestId('builtin-model').click();
    await waitFor(page, 's.tokenStats !== null', 60_000);
    await page.getByLabel(/Quick try/).check();
    await page.getByLabel('Max steps').fill('6');
    await page.getByLabel('Eval every (steps)').fill('3');
    await page.getByLabel('Masking probability').fill('0.2');
    await page.getByText('More settings').click();
    await page.getByLabel('max_length').fill('32');
    await page.getByLabel('max_length').blur();
    await waitFor(page, "s.tokenStatus === 'ready' && s.tokenStats.tokens.maxLength === 32", 60_000);
    expect(await controlProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Start training' }).click();
    await waitFor(page, "s.runState === 'finished' && s.predictions !== null", 420_000);
    const evals = await state<Record<string, number>>(page, 's.lastEval.result.metrics');
    expect(Object.keys(evals).sort()).toEqual(['accuracy', 'loss', 'perplexity']);
    expect(await state<number>(page, 's.runs.find((r) => r.id === s.runId).config.mlmProbability')).toBe(0.2);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-perplexity"]')?.getAttribute('data-points') ?? 0) > 0, null, { timeout: 30_000 });
    await snap(page, 'mlm-finished');

    // Fill-mask: the run's model in the playground, a text with [MASK] → the five most likely tokens.
    await page.getByRole('button', { name: /Use this run’s model/ }).click();
    await waitFor(page, "s.pgStatus === 'ready' && s.pgMaskToken === '[MASK]'", 120_000);
    await page.getByLabel(/Text with \[MASK\]/).fill('thank you so [MASK] for this');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.getByTestId('fill-mask').waitFor({ timeout: 120_000 });
    const masks = await state<{ top: { token_str: string; score: number }[] }[]>(page, 's.pgResult.masks');
    expect(masks).toHaveLength(1);
    expect(masks[0].top).toHaveLength(5);
    await expect(page.getByRole('list', { name: 'Top tokens for mask 1' }).getByRole('listitem').count()).resolves.toBe(5);
    await snap(page, 'mlm-fill-mask');

    // "Fine-tune this model": the MLM checkpoint becomes the model; the next file dropped is labelled data.
    await page.getByTestId('fine-tune-this').click();
    await waitFor(page, "s.modelStatus === 'ready' && s.modelLabel.includes('masked-LM') && s.dataFiles.length === 0", 60_000);
    await dropFile(page, 'data-drop', CSV, 'text/csv');
    await waitFor(page, "s.dataStatus === 'ready' || s.dataStatus === 'error'", 60_000);
    expect(await state<string>(page, 's.summary.task')).toBe('classification');
    await page.getByLabel(/Continue without the 1 invalid row/).check();
    await page.getByRole('button', { name: 'Accept mapping' }).click();
    await waitFor(page, "s.tokenStats !== null && s.tokenStatus === 'ready'", 60_000);
    await page.getByLabel('Max steps').fill('2');
    await page.getByRole('button', { name: 'Start training' }).click();
    await waitFor(page, "s.runState === 'finished'", 420_000);
    // The classifier started from the masked LM's encoder: a new head, the MLM head left unused.
    const report = (await state<string[]>(page, 's.loadReport')).join('\n');
    expect(report).toMatch(/Newly initialised[^\n]*classifier\.weight/);
    expect(report).toMatch(/cls\.predictions/);
    expect(await state<string>(page, 's.runs.find((r) => r.id === s.runId).model.kind')).toBe('local');
    expect(errors).toEqual([]);
  } catch (e) {
    await snap(page, 'mlm-failure').catch(() => undefined);
    throw e;
  } finally {
    await page.close();
  }
}, 1_200_000);
