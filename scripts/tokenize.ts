/**
 * `npm run tokenize -- --model <hub id | model dir> --input <file.jsonl> [--max-length N]
 *   [--truncation longest_first|only_second|none] [--padding none|longest|max_length] [--no-special-tokens]`
 *
 * Reads lines `{"text": ..., "text_pair": ...?}` and prints one JSON line per input with input_ids,
 * token_type_ids (when the model has them), attention_mask and offsets (character span of each token in its
 * own text, null for special tokens), through the same encodeText/encodeBatch the data worker uses.
 * With `--padding longest` the whole file is one batch.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { modelSource } from './lib/node-source.ts';
import { encodeBatch, loadTokenizer, type EncodeOptions, type Padding, type TextInput, type Truncation } from '../src/tokenize/index.ts';

export interface TokenizeArgs {
  model: string;
  input: string;
  maxLength?: number;
  truncation?: Truncation;
  padding: Padding;
  addSpecialTokens: boolean;
}

const USAGE =
  'usage: npm run tokenize -- --model <hub id or local dir> --input <file.jsonl> [--max-length N] ' +
  '[--truncation longest_first|only_second|none] [--padding none|longest|max_length] [--no-special-tokens]';

export function parseArgs(argv: string[]): TokenizeArgs {
  const args: Partial<TokenizeArgs> = { padding: 'none', addSpecialTokens: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--model':
        args.model = value();
        break;
      case '--input':
        args.input = value();
        break;
      case '--max-length': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0) throw new Error(`--max-length must be a positive integer\n${USAGE}`);
        args.maxLength = n;
        break;
      }
      case '--truncation':
        args.truncation = oneOf(value(), ['longest_first', 'only_second', 'none'] as const, flag);
        break;
      case '--padding':
        args.padding = oneOf(value(), ['none', 'longest', 'max_length'] as const, flag);
        break;
      case '--no-special-tokens':
        args.addSpecialTokens = false;
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (!args.model || !args.input) throw new Error(USAGE);
  return args as TokenizeArgs;
}

function oneOf<T extends string>(v: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${flag} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseInputLines(text: string, file: string): TextInput[] {
  const out: TextInput[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: { text?: unknown; text_pair?: unknown };
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof row.text !== 'string') throw new Error(`${file}:${i + 1}: "text" must be a string`);
    if (row.text_pair !== undefined && row.text_pair !== null && typeof row.text_pair !== 'string') {
      throw new Error(`${file}:${i + 1}: "text_pair" must be a string`);
    }
    out.push({ text: row.text, textPair: typeof row.text_pair === 'string' ? row.text_pair : undefined });
  });
  return out;
}

/** Runs the command, handing each output line to `write` (stdout in the CLI, an array in tests). */
export async function runTokenize(args: TokenizeArgs, write: (line: string) => void): Promise<void> {
  const tok = await loadTokenizer(modelSource(args.model));
  const inputs = parseInputLines(await readFile(args.input, 'utf8'), args.input);
  const opts: EncodeOptions = {
    maxLength: args.maxLength,
    truncation: args.truncation,
    padding: args.padding,
    addSpecialTokens: args.addSpecialTokens,
  };
  // One batch for `longest` (it needs every row); otherwise rows are independent, one at a time.
  const batches = args.padding === 'longest' ? [inputs] : inputs.map((x) => [x]);
  for (const batch of batches) {
    for (const enc of encodeBatch(tok, batch, opts)) {
      write(
        JSON.stringify({
          input_ids: enc.inputIds,
          ...(enc.tokenTypeIds ? { token_type_ids: enc.tokenTypeIds } : {}),
          attention_mask: enc.attentionMask,
          offsets: enc.offsets,
        }),
      );
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await runTokenize(parseArgs(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
