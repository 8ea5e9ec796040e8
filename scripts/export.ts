/**
 * `npm run export -- --model <hub id or folder> [--task classification|pair|multilabel|qa|ner|mlm]
 *   [--format onnx|safetensors] --out <dir>`
 *
 * Converts a checkpoint with its head (ours, or one from the Hub) into the folder transformers.js loads
 * with no conversion step: <out>/onnx/model.onnx, config.json (id2label / label2id / problem_type kept) and
 * the tokenizer files the source has. What Optimum's `optimum-cli export onnx` does for these models, without
 * Python. `--format safetensors` writes the Python layout instead (config.json, model.safetensors, tokenizer).
 * Exit 0 done, 1 export error (unsupported model, missing weights), 2 bad arguments.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readJson, type FileSource } from '../src/hub/source.ts';
import { onnxFromSource } from '../src/export/onnx/fromSource.ts';
import { exportTokenizerFiles, TOKENIZER_FILE_NAMES } from '../src/export/tokenizerFiles.ts';
import type { EncoderConfig } from '../src/engine/config.ts';
import type { OnnxHead, WeightSource } from '../src/export/onnx/index.ts';
import { modelSource } from './lib/node-source.ts';
import { safetensorsOnDisk, weightsOnDisk } from './lib/safetensors-files.ts';

export const USAGE =
  'usage: npm run export -- --model <hub id or local model dir> [--task classification|pair|multilabel|qa|ner|mlm] ' +
  '[--format onnx|safetensors] [--quantize] --out <dir>';

export class UsageError extends Error {}

/** The studio's task names (and `mlm`) → the graph's head; without --task the head comes from config.json. */
const TASK_HEADS: Record<string, OnnxHead> = { classification: 'seqcls', pair: 'seqcls', multilabel: 'multilabel', qa: 'qa', ner: 'tokcls', mlm: 'mlm' };
const FORMATS = ['onnx', 'safetensors'] as const;

export interface ExportArgs {
  model: string;
  task?: string;
  format: (typeof FORMATS)[number];
  /** Also write onnx/model_quantized.onnx (8-bit Linear layers; transformers.js's default in the browser). */
  quantize: boolean;
  out: string;
}

export function parseExportArgs(argv: string[]): ExportArgs {
  const a: Partial<ExportArgs> = { format: 'onnx', quantize: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--model') a.model = value();
    else if (flag === '--quantize') a.quantize = true;
    else if (flag === '--out') a.out = value();
    else if (flag === '--task') {
      const t = value();
      if (!(t in TASK_HEADS)) throw new UsageError(`--task must be one of ${Object.keys(TASK_HEADS).join(', ')} (got ${t})`);
      a.task = t;
    } else if (flag === '--format') {
      const f = value();
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got ${f})`);
      a.format = f as ExportArgs['format'];
    } else throw new UsageError(`unknown argument ${flag}`);
  }
  for (const k of ['model', 'out'] as const) if (!a[k]) throw new UsageError(`--${k} is required`);
  if (a.quantize && a.format !== 'onnx') throw new UsageError('--quantize applies to --format onnx only');
  return a as ExportArgs;
}

async function copyFiles(source: FileSource, names: string[], out: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of names) {
    const bytes = await source.read(name);
    if (!bytes) continue;
    writeFileSync(join(out, name), new Uint8Array(bytes));
    copied.push(name);
  }
  return copied;
}

/** Streams the chunks to disk as they come, so the file is never held in memory whole. */
async function writeChunks(path: string, chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const file = await open(path, 'w');
  let bytes = 0;
  try {
    for await (const c of chunks) {
      await file.write(c);
      bytes += c.byteLength;
    }
  } finally {
    await file.close();
  }
  return bytes;
}

async function exportSafetensors(source: FileSource, out: string): Promise<string[]> {
  const index = await readJson<{ weight_map: Record<string, string> }>(source, 'model.safetensors.index.json');
  const weights = index ? ['model.safetensors.index.json', ...new Set(Object.values(index.weight_map))] : ['model.safetensors'];
  const copied = await copyFiles(source, ['config.json', ...weights], out);
  if (!copied.includes(weights.at(-1)!)) throw new Error(`${source.label}: no model.safetensors (nothing to copy)`);
  return copied;
}

export async function runExport(args: ExportArgs, log: (line: string) => void = console.log): Promise<void> {
  const source = modelSource(args.model);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  if (args.format === 'safetensors') {
    const copied = await exportSafetensors(source, out);
    const tokenizer = await copyFiles(source, TOKENIZER_FILE_NAMES, out);
    log(`wrote ${out}: ${[...copied, ...tokenizer].join(', ')}`);
    return;
  }
  const head = args.task ? TASK_HEADS[args.task] : undefined;
  // A local folder is read tensor by tensor from disk (only one tensor in memory at a time); the Hub through fetch.
  const local = existsSync(args.model) && statSync(args.model).isDirectory() ? await safetensorsOnDisk(args.model) : null;
  let onDisk: ReturnType<typeof weightsOnDisk> | undefined;
  const weights = local ? async (enc: EncoderConfig) => (onDisk = weightsOnDisk(local, enc)) : undefined;
  try {
    await exportOnnxFolder(source, head, weights, out, log);
    if (args.quantize) {
      const { model } = await onnxFromSource(source, head, weights, { quantize: true });
      const bytes = await writeChunks(join(out, 'onnx', 'model_quantized.onnx'), model.chunks);
      log(`wrote ${join(out, 'onnx', 'model_quantized.onnx')} (${(bytes / 2 ** 20).toFixed(2)} MiB; 8-bit Linear layers)`);
    }
  } finally {
    await onDisk?.close();
  }
}

async function exportOnnxFolder(
  source: FileSource,
  head: OnnxHead | undefined,
  weights: ((enc: EncoderConfig) => Promise<WeightSource>) | undefined,
  out: string,
  log: (line: string) => void,
): Promise<void> {
  const { config, model } = await onnxFromSource(source, head, weights).catch((e: Error) => {
    const hint = /missing tensor/.test(e.message)
      ? ' (a checkpoint without trained weights for this head cannot be exported: fine-tune it first, e.g. with npm run train)'
      : '';
    throw new Error(e.message + hint);
  });
  mkdirSync(join(out, 'onnx'), { recursive: true });
  const bytes = await writeChunks(join(out, 'onnx', 'model.onnx'), model.chunks);
  writeFileSync(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const { files, generated } = await exportTokenizerFiles(config, async (name) => {
    const bytes = await source.read(name);
    return bytes && new Uint8Array(bytes);
  });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), bytes);
  const how: Record<string, string> = { 'tokenizer.json': 'built from vocab.txt', 'tokenizer_config.json': 'completed', 'special_tokens_map.json': 'written' };
  const tokenizer = Object.keys(files).map((f) => (generated.includes(f) ? `${f} (${how[f]})` : f));
  log(`${model.architecture}: inputs ${model.inputNames.join(', ')} → outputs ${model.outputNames.join(', ')}`);
  log(`wrote ${join(out, 'onnx', 'model.onnx')} (${(bytes / 2 ** 20).toFixed(2)} MiB), config.json` + (tokenizer.length ? `, ${tokenizer.join(', ')}` : ''));
  if (!tokenizer.length) log('note: the source has no tokenizer files; add them beside config.json before loading with transformers.js');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let code = 0;
  try {
    await runExport(parseExportArgs(process.argv.slice(2)));
  } catch (e) {
    const usage = e instanceof UsageError;
    process.stderr.write(`export: ${(e as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    code = usage ? 2 : 1;
  }
  process.exit(code);
}
