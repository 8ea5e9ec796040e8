/**
 * The ONNX layout beside a saved checkpoint, for the export zip and `npm run train`'s checkpoint/: from the
 * checkpoint's files by name (config.json, model.safetensors, tokenizer files), the files to add so that
 * transformers.js loads the folder as it is: onnx/model.onnx, and tokenizer.json / tokenizer_config.json where
 * they had to be built or completed (tokenizerFiles.ts). Pure, so the page can call it on the bytes it zips.
 */
import type { FileSource } from '../../hub/source';
import { exportTokenizerFiles } from '../tokenizerFiles';
import { onnxFromSource } from './fromSource';
import type { OnnxHead } from './index';
import { collectChunks } from './stream';

/** The bytes' own buffer when they span it whole (no copy of the weights), else a copy of the view. */
const bufferOf = (b: Uint8Array): ArrayBuffer =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);

export function filesSource(files: Readonly<Record<string, Uint8Array>>, label = 'checkpoint'): FileSource {
  return { label, read: async (path) => (files[path] ? bufferOf(files[path]) : null) };
}

export interface OnnxFolderFiles {
  /** Files to add to (or replace in) the folder, by path: `onnx/model.onnx`, maybe tokenizer files. */
  files: Record<string, Uint8Array>;
  architecture: string;
}

/**
 * `head` as in exportOnnx (defaults to config.json's); `quantize` adds onnx/model_quantized.onnx. The .onnx bytes
 * are collected in memory, into one buffer of the planned size: the zip is built in memory anyway; the CLI
 * streams to disk instead (scripts/export.ts).
 */
export async function onnxFolderFiles(
  checkpoint: Readonly<Record<string, Uint8Array>>,
  opts: { head?: OnnxHead; quantize?: boolean } = {},
): Promise<OnnxFolderFiles> {
  const source = filesSource(checkpoint);
  const { config, model } = await onnxFromSource(source, opts.head);
  const files: Record<string, Uint8Array> = { 'onnx/model.onnx': await collectChunks(model.chunks, model.byteLength) };
  if (opts.quantize) {
    const quantized = await onnxFromSource(source, opts.head, undefined, { quantize: true });
    files['onnx/model_quantized.onnx'] = await collectChunks(quantized.model.chunks, quantized.model.byteLength);
  }
  const tokenizer = await exportTokenizerFiles(config, async (name) => checkpoint[name] ?? null);
  for (const name of tokenizer.generated) files[name] = tokenizer.files[name];
  return { files, architecture: model.architecture };
}
