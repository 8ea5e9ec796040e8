/** Builds a saved run's zip from IndexedDB (checkpoint, record, history) and hands it to the browser. */
import { buildRunZip, safeName } from '../export/zip';
import { modelCard } from '../export/modelCard';
import { loadCheckpoint, loadHistory } from '../persist/runs';
import { TOKENIZER_FILES } from '../hub/download';
import { useStudio } from './store';

/** The checkpoint's files plus the tokenizer files of the model the run started from. */
export async function runCheckpointFiles(runId: string): Promise<File[]> {
  const s = useStudio.getState();
  const run = s.runs.find((r) => r.id === runId);
  const checkpoint = await loadCheckpoint(runId);
  if (!run || !checkpoint) throw new Error('this run has no saved checkpoint yet (one is saved at each evaluation and at the end)');
  const files = Object.entries(checkpoint.files).map(([name, bytes]) => new File([bytes as BlobPart], name));
  if (!files.some((f) => TOKENIZER_FILES.includes(f.name))) {
    const base = await s.modelFilesFor(run.model);
    files.push(...base.filter((f) => TOKENIZER_FILES.includes(f.name)));
  }
  return files;
}

export async function runZip(runId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const run = useStudio.getState().runs.find((r) => r.id === runId);
  if (!run) throw new Error(`no run ${runId}`);
  const files: Record<string, Uint8Array> = {};
  for (const f of await runCheckpointFiles(runId)) files[f.name] = new Uint8Array(await f.arrayBuffer());
  // The ONNX layout transformers.js loads as it is (onnx/model.onnx, the tokenizer files it needs); imported on
  // demand so the page's first load does not carry the writer.
  const { onnxFolderFiles } = await import('../export/onnx/checkpointFiles');
  Object.assign(files, (await onnxFolderFiles(files)).files);
  const history = await loadHistory(runId);
  const base = run.model.kind === 'hub' ? run.model.id : null;
  const checkpointStep = (await loadCheckpoint(runId))?.step ?? null;
  const bytes = buildRunZip({
    folder: safeName(run.id),
    files,
    trainingConfig: { task: run.task, labels: run.labels, base_model: base ?? run.modelLabel, max_length: run.maxLength, columns: run.columns, ...run.config },
    metrics: {
      checkpoint_step: checkpointStep,
      best_step: run.bestStep,
      best_metric: run.bestMetric,
      validation: run.final?.validation?.metrics ?? null,
      test: run.final?.test?.metrics ?? null,
      history: history ? { eval_step: history.evalStep, ...history.evalMetrics } : null,
    },
    readme: modelCard(run, base, undefined, { onnx: true }),
    predictions: run.final?.predictions,
  });
  return { name: `${safeName(run.id)}.zip`, bytes };
}

export async function downloadRunZip(runId: string): Promise<void> {
  const { name, bytes } = await runZip(runId);
  saveZip(name, bytes);
}

/** Hands a zip to the browser's downloads. */
export function saveZip(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * "Fine-tune this model": a masked-LM run's checkpoint (with its tokenizer files) becomes the model of a new
 * setup, straight from this browser's storage (no download, no zip). The MLM text is dropped, so the next file
 * dropped is the labelled data; loading it for classification, QA or NER keeps the encoder and starts a new head.
 */
export async function fineTuneFromRun(runId: string): Promise<void> {
  const s = useStudio.getState();
  const run = s.runs.find((r) => r.id === runId);
  if (!run) throw new Error(`no run ${runId}`);
  const files = await runCheckpointFiles(runId);
  const step = (await loadCheckpoint(runId))?.step;
  s.clearData();
  s.setInitRandom(false);
  await s.chooseLocalModel(files, `${run.modelLabel} + masked-LM (${run.id}${step !== undefined ? `, step ${step}` : ''})`);
  if (typeof document !== 'undefined') document.getElementById('data')?.scrollIntoView({ behavior: 'smooth' });
}
