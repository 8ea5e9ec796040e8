/** Data step: dropped files, the worker's parse summary, the user's task / column choices, token statistics. */
import * as data from '../client/dataClient';
import type { Task } from '../data/types';
import { DEFAULT_VALIDATION_FRACTION, SPLIT_SEED } from '../data/split';
import type { ColumnMapping, DataFile, DataSummary, SplitName, TokenStats } from '../protocol/data';
import type { Slice } from './types';

export interface Progress {
  label: string;
  loaded: number;
  total: number;
  /** When this stage began (Date.now()), for the ETA. */
  startedAt?: number;
}

/** The next progress of a stage: keeps the stage's start time, so the ETA is measured over the whole stage. */
const stage = (prev: Progress | null, label: string, loaded: number, total: number): Progress => ({
  label,
  loaded,
  total,
  startedAt: prev?.startedAt ?? Date.now(),
});

export interface DataSlice {
  dataFiles: DataFile[];
  dataStatus: 'empty' | 'parsing' | 'ready' | 'error';
  dataProgress: Progress | null;
  summary: DataSummary | null;
  dataError: string | null;
  taskChoice: Task | 'auto';
  columnChoice: Partial<ColumnMapping>;
  /** The user looked at the detected task and columns and said go. */
  mappingAccepted: boolean;
  /** The user agreed to train without the rows that failed validation. */
  skipInvalid: boolean;
  tokenStats: TokenStats | null;
  tokenStatus: 'idle' | 'running' | 'ready' | 'error';
  /** Chosen max_length; null until a tokenizer suggests one. */
  maxLength: number | null;
  /** Fraction of the training file held out when no validation file is given. */
  validationFraction: number;
  /** Masked LM: one block per line (run_mlm.py --line_by_line) instead of concatenated blocks. */
  lineByLine: boolean;

  addDataFiles(files: File[]): Promise<void>;
  removeDataFile(index: number): Promise<void>;
  setFileSplit(index: number, split: SplitName): Promise<void>;
  setTask(task: Task | 'auto'): Promise<void>;
  setColumn(role: keyof ColumnMapping, column: string | undefined): Promise<void>;
  acceptMapping(): void;
  setSkipInvalid(skip: boolean): void;
  setMaxLength(n: number): void;
  setLineByLine(on: boolean): void;
  /** Drops every data file (a new task starts: "Fine-tune this model" after a masked-LM run). */
  clearData(): void;
  loadDemoData(): Promise<void>;
  /** Re-reads the files with the current choices (the worker keeps the parsed rows for encoding). */
  parseData(): Promise<void>;
  refreshTokenStats(): Promise<void>;
}

/** The one-click demo's data (public/demo/NOTICE.md): Korean movie reviews, which the built-in model learns from scratch. */
export const DEMO_DATA_FILE = 'nsmc_sentiment.csv';
export const DEMO_DATA_URL = `${import.meta.env.BASE_URL}demo/${DEMO_DATA_FILE}`;

export const createDataSlice: Slice<DataSlice> = (set, get) => ({
  dataFiles: [],
  dataStatus: 'empty',
  dataProgress: null,
  summary: null,
  dataError: null,
  taskChoice: 'auto',
  columnChoice: {},
  mappingAccepted: false,
  skipInvalid: false,
  tokenStats: null,
  tokenStatus: 'idle',
  maxLength: null,
  validationFraction: DEFAULT_VALIDATION_FRACTION,
  lineByLine: false,

  async addDataFiles(files) {
    // No split yet: the data layer guesses it from the names (explainSplits) and reports why, so a lone
    // `…_dev.jsonl` still trains; a split stored here would count as the user's choice.
    const added = files.map((f) => ({ name: f.name, blob: f as Blob }));
    set({ dataFiles: [...get().dataFiles, ...added], mappingAccepted: false, skipInvalid: false });
    await get().parseData();
  },
  async removeDataFile(index) {
    set({ dataFiles: get().dataFiles.filter((_, i) => i !== index), mappingAccepted: false });
    await get().parseData();
  },
  async setFileSplit(index, split) {
    set({ dataFiles: get().dataFiles.map((f, i) => (i === index ? { ...f, split } : f)), mappingAccepted: false });
    await get().parseData();
  },
  async setTask(task) {
    set({ taskChoice: task, columnChoice: {}, mappingAccepted: false });
    await get().parseData();
  },
  async setColumn(role, column) {
    const columnChoice = { ...get().columnChoice };
    if (column) columnChoice[role] = column as never;
    else delete columnChoice[role];
    set({ columnChoice, mappingAccepted: false });
    await get().parseData();
  },
  acceptMapping() {
    set({ mappingAccepted: true });
  },
  setSkipInvalid(skip) {
    set({ skipInvalid: skip });
  },
  setMaxLength(n) {
    set({ maxLength: n });
    void get().refreshTokenStats();
  },
  setLineByLine(on) {
    set({ lineByLine: on });
  },
  clearData() {
    set({ dataFiles: [], columnChoice: {}, taskChoice: 'auto', mappingAccepted: false, skipInvalid: false, lineByLine: false });
    set({ dataStatus: 'empty', summary: null, dataError: null, tokenStats: null });
  },
  async loadDemoData() {
    const res = await fetch(DEMO_DATA_URL);
    const blob = await res.blob();
    set({ dataFiles: [], columnChoice: {}, taskChoice: 'auto' });
    await get().addDataFiles([new File([blob], DEMO_DATA_FILE, { type: 'text/csv' })]);
  },
  async parseData() {
    const { dataFiles, taskChoice, columnChoice, validationFraction } = get();
    if (!dataFiles.length) {
      set({ dataStatus: 'empty', summary: null, dataError: null, tokenStats: null });
      return;
    }
    set({ dataStatus: 'parsing', dataError: null, dataProgress: { label: 'Reading', loaded: 0, total: 1, startedAt: Date.now() } });
    try {
      const summary = await data.parseFiles(
        dataFiles,
        { task: taskChoice, columns: columnChoice, split: { validation: validationFraction, test: 0, seed: SPLIT_SEED } },
        (p) => set({ dataProgress: stage(get().dataProgress, `Reading ${p.file ?? ''}`, p.loaded, p.total) }),
      );
      set({ summary, dataStatus: summary.error ? 'error' : 'ready', dataError: summary.error ?? null, dataProgress: null });
      if (!summary.error && get().tokenizer) await get().refreshTokenStats();
    } catch (e) {
      set({ dataStatus: 'error', dataError: (e as Error).message, dataProgress: null });
    }
  },
  async refreshTokenStats() {
    if (get().dataStatus !== 'ready' || !get().tokenizer) return;
    set({ tokenStatus: 'running', dataProgress: null });
    try {
      const stats = await data.tokenStats(get().maxLength ?? undefined, (p) =>
        set({ dataProgress: stage(get().dataProgress, 'Counting tokens', p.loaded, p.total) }),
      );
      const maxLength = get().maxLength ?? stats.tokens.suggestion.suggested;
      set({ tokenStats: stats, tokenStatus: 'ready', maxLength, dataProgress: null });
    } catch (e) {
      set({ tokenStatus: 'error', dataError: (e as Error).message, dataProgress: null });
    }
  },
});
