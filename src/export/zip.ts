/**
 * The downloadable run: a zip holding one folder that `from_pretrained` loads (config.json,
 * model.safetensors, tokenizer files) plus training_config.json, metrics.json, predictions.jsonl and the
 * README.md model card. Weights are stored uncompressed (float noise does not compress; it only costs time).
 */
import { zipSync, type Zippable } from 'fflate';

export interface ZipContents {
  folder: string;
  /** Checkpoint and tokenizer files by name. */
  files: Record<string, Uint8Array>;
  trainingConfig: unknown;
  metrics: unknown;
  readme: string;
  /** One JSON object per validation example. */
  predictions?: unknown[];
}

const STORE_ONLY = /\.(safetensors|bin|onnx)$/;

/** One zip entry: weights stored as they are, text deflated (every zip the studio builds uses this rule). */
export function zipEntry(name: string, bytes: Uint8Array): [Uint8Array, { level: 0 | 6 }] {
  return [bytes, { level: STORE_ONLY.test(name) ? 0 : 6 }];
}

export function buildRunZip(c: ZipContents): Uint8Array {
  const enc = new TextEncoder();
  const json = (v: unknown) => enc.encode(`${JSON.stringify(v, null, 2)}\n`);
  const entries: Record<string, Uint8Array> = {
    ...c.files,
    'training_config.json': json(c.trainingConfig),
    'metrics.json': json(c.metrics),
    'README.md': enc.encode(c.readme),
  };
  if (c.predictions?.length) entries['predictions.jsonl'] = enc.encode(c.predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const folder: Zippable = {};
  for (const [name, bytes] of Object.entries(entries)) folder[name] = zipEntry(name, bytes);
  return zipSync({ [safeName(c.folder)]: folder });
}

/** A folder name every OS accepts. */
export function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'model';
}
