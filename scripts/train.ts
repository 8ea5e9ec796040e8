/**
 * `npm run train -- --data <train file> [--valid <file>] [--test <file>] --model <hub id | model dir>
 *   [--task auto|classification|pair|multilabel|qa|ner|mlm] [--config <TrainConfig JSON>] [--max-steps N]
 *   [--max-length N] [--stride N] [--kernels …] [--init pretrained|random] [--line-by-line] --out <dir>`
 *
 * Parses and tokenizes in Node with the data and tokenization layers, then runs the app's train worker in
 * headless Chromium on WebGPU. Prints one line per logging step and evaluation; writes <out>/metrics.json,
 * history.jsonl, predictions.jsonl, checkpoint/ (Hugging Face format, with onnx/model.onnx for transformers.js) and trainer/ (the run as a Trainer project). Exit 0 done, 1 data or training
 * error, 2 bad arguments or config.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { QaExample, Task } from '../src/data/types.ts';
import { DEFAULT_VALIDATION_FRACTION, SPLIT_SEED, splitKind } from '../src/data/split.ts';
import { parseKernelMode, type KernelMode } from '../src/engine/kernels/modes.ts';
import type { TrainEvent } from '../src/protocol/train.ts';
import { loadTokenizer, maskedLmVocab } from '../src/tokenize/index.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../src/train/config.ts';
import { unknownKeys, validateTrainConfig } from '../src/train/configValidate.ts';
import type { TrainManifest } from './browser/trainEntry.ts';
import { runExport } from './export.ts';
import { writeQaLogits } from './lib/qaLogits.ts';
import type { FeatureSet } from '../src/tokenize/features.ts';
import { startHarness } from './lib/harness.ts';
import { modelSource } from './lib/node-source.ts';
import { DataError, featuresFor, goldRow, parseTrainFiles, writeSplit } from './lib/train-data.ts';
import { writeTrainerProject } from './lib/trainer-project.ts';
import { TASKS as REGISTRY, taskSpec } from '../src/tasks/index.ts';

export const USAGE =
  'usage: npm run train -- --data <train file> [--valid <file>] [--test <file>] --model <hub id or local model dir> ' +
  '[--task auto|classification|pair|multilabel|qa|ner|mlm] [--config <TrainConfig JSON>] [--max-steps N] [--max-length N] [--stride N] ' +
  '[--valid-fraction F] [--kernels auto|flat|workgroup|tfjs] [--init pretrained|random] [--line-by-line] --out <dir>';


export class UsageError extends Error {}

export interface TrainArgs {
  data: string;
  valid?: string;
  test?: string;
  model: string;
  task: Task | 'auto';
  config?: string;
  maxSteps?: number;
  maxLength?: number;
  stride?: number;
  /** Share of --data held out for validation when --valid is absent (0: none). */
  validFraction: number;
  /** Kernel family (auto: tuned on the adapter before the first step). */
  kernels: KernelMode;
  /** 'random': the model's architecture trained from scratch (HF's init, the config's seed). */
  init: 'pretrained' | 'random';
  /** Masked LM: one block per line of text instead of concatenated blocks (run_mlm.py --line_by_line). */
  lineByLine: boolean;
  out: string;
}

const TASKS = ['auto', ...REGISTRY.list().map((t) => t.name)];

export function parseTrainArgs(argv: string[]): TrainArgs {
  const a: Partial<TrainArgs> = { task: 'auto', validFraction: DEFAULT_VALIDATION_FRACTION, kernels: 'auto', init: 'pretrained', lineByLine: false };
  const posInt = (flag: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer (got ${v})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data': a.data = value(); break;
      case '--valid': a.valid = value(); break;
      case '--test': a.test = value(); break;
      case '--model': a.model = value(); break;
      case '--config': a.config = value(); break;
      case '--out': a.out = value(); break;
      case '--task': {
        const t = value();
        if (!TASKS.includes(t)) throw new UsageError(`--task must be one of ${TASKS.join(', ')} (got ${t})`);
        a.task = t as TrainArgs['task'];
        break;
      }
      case '--max-steps': a.maxSteps = posInt(flag, value()); break;
      case '--max-length': a.maxLength = posInt(flag, value()); break;
      case '--stride': a.stride = posInt(flag, value()); break;
      case '--kernels': {
        const v = value();
        try {
          a.kernels = parseKernelMode(v);
        } catch (e) {
          throw new UsageError(`--${(e as Error).message}`);
        }
        break;
      }
      case '--init': {
        const v = value();
        if (v !== 'pretrained' && v !== 'random') throw new UsageError(`--init must be pretrained or random (got ${v})`);
        a.init = v;
        break;
      }
      case '--line-by-line': a.lineByLine = true; break;
      case '--valid-fraction': {
        const v = value();
        const f = Number(v);
        if (!(f >= 0 && f < 1)) throw new UsageError(`--valid-fraction must be a number in [0, 1) (got ${v})`);
        a.validFraction = f;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  for (const k of ['data', 'model', 'out'] as const) if (!a[k]) throw new UsageError(`--${k} is required`);
  for (const k of ['data', 'valid', 'test', 'config'] as const) {
    if (a[k] && !existsSync(a[k]!)) throw new UsageError(`--${k} ${a[k]}: no such file`);
  }
  return a as TrainArgs;
}

export function readConfig(path: string | undefined, maxSteps: number | undefined): TrainConfigInput {
  let input: TrainConfigInput = {};
  if (path) {
    try {
      input = JSON.parse(readFileSync(path, 'utf8')) as TrainConfigInput;
    } catch (e) {
      throw new UsageError(`--config ${path}: invalid JSON (${(e as Error).message})`);
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UsageError(`--config ${path}: must be a JSON object`);
    const unknown = unknownKeys(input as Record<string, unknown>);
    if (unknown.length) throw new UsageError(`--config ${path}: unknown field(s) ${unknown.join(', ')} (TrainConfig uses camelCase, e.g. learningRate)`);
  }
  if (maxSteps !== undefined) input = { ...input, maxSteps };
  const errors = validateTrainConfig(resolveTrainConfig(input));
  if (errors.length) throw new UsageError(`invalid config:\n- ${errors.join('\n- ')}`);
  return input;
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2));

export function progressLine(e: TrainEvent, totalSteps: number): string | null {
  if (e.type === 'step' && e.skipped) {
    return `step ${e.step}/${totalSteps} skipped: gradients overflowed at loss scale ${e.lossScale} (grad_norm ${e.gradNorm}); the scale halves, AdamW and the LR schedule did not step`;
  }
  if (e.type === 'step') {
    const scale = e.lossScale === undefined ? '' : ` loss_scale ${e.lossScale}`;
    return `step ${e.step}/${totalSteps} epoch ${e.epoch.toFixed(2)} loss ${e.loss.toFixed(4)} lr ${e.lr.toExponential(2)} grad_norm ${e.gradNorm.toFixed(4)}${scale} tokens/s ${Math.round(e.tokensPerSecond)}`;
  }
  if (e.type === 'eval') {
    const m = Object.entries(e.result.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join(' ');
    return `eval ${e.split} step ${e.step}${e.isBest ? ' (best)' : ''} ${m}`;
  }
  if (e.type === 'log') return `${e.level}: ${e.message}`;
  if (e.type === 'error') return `error (${e.kind}) at step ${e.step}: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`;
  return null;
}

export async function runTrain(args: TrainArgs, print: (line: string) => void): Promise<number> {
  const input = readConfig(args.config, args.maxSteps);
  const files = [{ path: args.data, split: 'train' as const }];
  if (args.valid) files.push({ path: args.valid, split: 'validation' as never });
  if (args.test) files.push({ path: args.test, split: 'test' as never });
  const split = args.valid ? undefined : { validation: args.validFraction, test: 0, seed: SPLIT_SEED };
  const data = await parseTrainFiles(files, args.task === 'auto' ? undefined : args.task, split);
  const spec = taskSpec(data.task);
  const errors = validateTrainConfig(resolveTrainConfig(input), { task: data.task, labels: spec.hasLabelVocabulary ? data.labels : [] });
  if (errors.length) throw new UsageError(`invalid config for ${data.task}:\n- ${errors.join('\n- ')}`);
  const tok = await loadTokenizer(modelSource(args.model));
  const maxLength = Math.min(args.maxLength ?? spec.defaultMaxLength ?? 128, tok.modelMaxLength);
  const stride = Math.min(args.stride ?? 128, Math.floor(maxLength / 2));
  const work = mkdtempSync(join(tmpdir(), 'studio-train-'));
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const keepExamples = spec.decodeNeedsExamples;
  let validationFeatures: FeatureSet | null = null;
  if (args.lineByLine && data.task !== 'mlm') throw new UsageError(`--line-by-line applies to --task mlm (this data is ${data.task})`);
  const encodeOpts = { maxLength, stride, lineByLine: args.lineByLine };
  const trainFeatures = await featuresFor(tok, data, data.examples.train, encodeOpts);
  const splits: TrainManifest['splits'] = { train: await writeSplit(work, 'train', trainFeatures) };
  for (const s of ['validation', 'test'] as const) {
    const ex = data.examples[s];
    if (!ex.length) continue;
    const features = await featuresFor(tok, data, ex, encodeOpts);
    if (s === 'validation') validationFeatures = features;
    splits[s] = await writeSplit(work, s, features, keepExamples ? ex : undefined);
  }
  const mlm = spec.head === 'mlm' ? maskedLmVocab(tok) : null;
  const localModel = existsSync(args.model) && statSync(args.model).isDirectory();
  const manifest: TrainManifest = {
    task: data.task,
    labels: data.labels,
    config: input,
    model: localModel ? { kind: 'url', baseUrl: '/@model/', label: `local:${resolve(args.model)}` } : { kind: 'hub', id: args.model },
    splits,
    kernels: args.kernels,
    init: args.init,
    ...(mlm ? { mlm: { ...mlm, wordStart: Array.from(mlm.wordStart) } } : {}),
  };
  writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
  const project = { data, model: localModel ? resolve(args.model) : args.model, source: modelSource(args.model), init: args.init, config: resolveTrainConfig(input), maxLength, stride, train: trainFeatures };
  await writeTrainerProject(join(out, 'trainer'), project);
  print(`task ${data.task}, ${data.examples.train.length} train / ${data.examples.validation.length} validation / ${data.examples.test.length} test examples, max length ${maxLength}`);
  if (mlm) print(`masked LM: ${trainFeatures.count} train blocks of up to ${maxLength} tokens (${args.lineByLine ? 'one per line' : 'texts concatenated, group_texts'}), mask token ${mlm.tokens[mlm.maskTokenId]}`);
  if (split?.validation) {
    const kind = splitKind(data.task);
    print(`validation: ${Math.round(split.validation * 100)}% of --data held out (seed ${SPLIT_SEED}${kind === 'random' ? '' : `, ${kind}`}); --valid <file> or --valid-fraction 0 to change`);
    const gold = data.examples.validation.map((e) => JSON.stringify(goldRow(data.task, e)));
    writeFileSync(join(out, 'validation.jsonl'), gold.length ? gold.join('\n') + '\n' : '');
    print(`validation rows written to ${join(out, 'validation.jsonl')} (gold for npm run eval, in the order of predictions.jsonl)`);
  }

  const mounts: Record<string, string> = { '/@train/': work };
  if (localModel) mounts['/@model/'] = resolve(args.model);
  const harness = await startHarness(mounts);
  if (process.env.STUDIO_DEBUG) harness.page.on('console', (m) => print(`[page] ${m.text()}`));
  harness.page.on('worker', (w) => w.on('close', () => print('[page] train worker closed')));
  const historyPath = join(out, 'history.jsonl');
  writeFileSync(historyPath, '');
  let totalSteps = 0;
  let code = 0;
  let done: Extract<TrainEvent, { type: 'done' }> | null = null;
  let failure: Extract<TrainEvent, { type: 'error' }> | null = null;
  const finished = new Promise<void>((resolveRun) => {
    void harness.page.exposeFunction('__studioTrainEvent', (e: TrainEvent) => {
      if (e.type === 'ready') {
        totalSteps = e.totalSteps;
        print(`model ${args.model}: ${e.parameters} parameters, ${e.trainableParameters} trainable; ${e.totalSteps} steps over ${e.epochs} epoch(s)`);
        for (const l of e.loadReport) print(`  ${l}`);
      }
      if (e.type === 'step' || e.type === 'eval' || e.type === 'checkpoint' || e.type === 'error' || e.type === 'done') {
        const { predictions: _p, ...rest } = e as Record<string, unknown>;
        appendFileSync(historyPath, `${JSON.stringify(e.type === 'eval' ? { ...e, result: { metrics: e.result.metrics } } : rest)}\n`);
      }
      if (e.type === 'kernels') {
        const chosen = e.entries.map((k) => `${k.op} ${k.key} ${k.chosen}`).join(', ');
        print(`kernels ${e.mode}${e.entries.length ? ` (tuned in ${e.ms.toFixed(0)} ms, ${e.timing}): ${chosen}` : ''}`);
      }
      const line = progressLine(e, totalSteps);
      if (line) print(line);
      if (e.type === 'done') done = e;
      if (e.type === 'error') {
        failure = e;
        code = 1;
        if (e.checkpointStep === null) resolveRun();
      }
      if (e.type === 'exported' && e.kind === 'best') {
        const dir = join(out, 'checkpoint');
        mkdirSync(dir, { recursive: true });
        for (const [name, b64] of Object.entries(e.files as unknown as Record<string, string>)) writeFileSync(join(dir, name), Buffer.from(b64, 'base64'));
        print(`checkpoint (step ${e.step}) written to ${dir}`);
        resolveRun();
      }
    });
  });
  const onSigint = () => {
    print('stopping (keeping the best checkpoint)…');
    void harness.page.evaluate(async () => {
      const m: typeof import('./browser/trainEntry.ts') = await import(/* @vite-ignore */ '/scripts/browser/trainEntry.ts' as string);
      m.sendCommand({ type: 'stop' });
    });
  };
  process.once('SIGINT', onSigint);
  try {
    await harness.page.evaluate(async () => {
      const m: typeof import('./browser/trainEntry.ts') = await import(/* @vite-ignore */ '/scripts/browser/trainEntry.ts' as string);
      const w = window as unknown as { __studioTrainEvent: (e: unknown) => Promise<void> };
      await m.startTraining('/@train/', (e) => void w.__studioTrainEvent(e));
    });
    await finished;
  } finally {
    process.off('SIGINT', onSigint);
    await harness.close();
    rmSync(work, { recursive: true, force: true });
  }
  writeOutputs(out, args, data.task, done, failure);
  const checkpoint = join(out, 'checkpoint');
  if (existsSync(join(checkpoint, 'model.safetensors'))) {
    // The same folder as transformers.js loads it: onnx/model.onnx beside config.json and the tokenizer files.
    try {
      await runExport({ model: checkpoint, out: checkpoint, format: 'onnx', quantize: false }, () => undefined);
      print(`ONNX export (transformers.js layout) written to ${join(checkpoint, 'onnx', 'model.onnx')}`);
      if (spec.slidingWindows && validationFeatures) {
        // QA: per-window logits for `npm run ensemble`, which averages them before n-best decoding.
        const windows = await writeQaLogits(out, join(checkpoint, 'onnx', 'model.onnx'), validationFeatures, data.examples.validation as QaExample[]);
        print(`qa_logits.jsonl: start/end logits of ${windows} validation windows (for npm run ensemble)`);
      }
    } catch (e) {
      print(`warning: no ONNX export: ${(e as Error).message}`);
    }
  }
  return code;
}

function writeOutputs(out: string, args: TrainArgs, task: Task, done: Extract<TrainEvent, { type: 'done' }> | null, failure: Extract<TrainEvent, { type: 'error' }> | null): void {
  const metrics = {
    task,
    model: args.model,
    status: done ? done.reason : 'failed',
    steps: done?.step ?? failure?.step ?? 0,
    best_step: done?.bestStep ?? failure?.checkpointStep ?? null,
    best_metric: done?.bestMetric ?? null,
    validation: done?.validation?.metrics ?? null,
    test: done?.test?.metrics ?? null,
    ...(failure ? { error: { kind: failure.kind, message: failure.message, hint: failure.hint ?? null } } : {}),
  };
  writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  writeFileSync(join(out, 'predictions.jsonl'), (done?.predictions ?? []).map((p) => `${JSON.stringify(p)}\n`).join(''));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let code: number;
  try {
    code = await runTrain(parseTrainArgs(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`train: ${e.message}\n${USAGE}\n`);
      code = 2;
    } else if (e instanceof DataError) {
      process.stderr.write(`train: bad data:\n${e.message}\n`);
      code = 1;
    } else {
      process.stderr.write(`train: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  process.exit(code);
}
