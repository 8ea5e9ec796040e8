/**
 * The README.md model card of an exported run: what it was trained for, on what data, how well it did,
 * with which settings, and how to load it. Pure: run record in, Markdown out.
 */
import type { RunRecord } from '../persist/runs';

const PIPELINE: Record<string, string> = {
  classification: 'text-classification',
  pair: 'text-classification',
  multilabel: 'text-classification',
  ner: 'token-classification',
  qa: 'question-answering',
};
const TASK_NAME: Record<string, string> = {
  classification: 'single-label text classification',
  pair: 'sentence-pair classification',
  multilabel: 'multi-label text classification',
  ner: 'named-entity recognition (token classification)',
  qa: 'extractive question answering',
};

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

function metricsTable(title: string, m: Record<string, number> | undefined): string[] {
  if (!m || !Object.keys(m).length) return [];
  return [`### ${title}`, '', '| metric | value |', '|---|---|', ...Object.entries(m).map(([k, v]) => `| ${k} | ${fmt(v)} |`), ''];
}

export function modelCard(run: RunRecord, baseModel: string | null): string {
  const c = run.config as Record<string, unknown>;
  const autoClass = run.task === 'qa' ? 'AutoModelForQuestionAnswering' : run.task === 'ner' ? 'AutoModelForTokenClassification' : 'AutoModelForSequenceClassification';
  const lines = [
    '---',
    'library_name: transformers',
    `pipeline_tag: ${PIPELINE[run.task]}`,
    ...(baseModel ? [`base_model: ${baseModel}`] : []),
    'tags:',
    '- webgpu-training-studio',
    '---',
    '',
    `# ${run.name}`,
    '',
    `Fine-tuned for **${TASK_NAME[run.task]}** in the browser with WebGPU Training Studio, from ${baseModel ? `\`${baseModel}\`` : run.modelLabel}.`,
    '',
    '## Data',
    '',
    '| file | split | rows | valid |',
    '|---|---|---|---|',
    ...run.data.files.map((f) => `| ${f.name} | ${f.split} | ${f.rows} | ${f.valid} |`),
    '',
    `Examples per split: train ${run.data.splits.train}, validation ${run.data.splits.validation}, test ${run.data.splits.test}` +
      (run.data.invalidRows ? ` (${run.data.invalidRows} invalid rows skipped).` : '.'),
    '',
    ...(run.labels.length ? ['Labels (id order): ' + run.labels.map((l) => `\`${l}\``).join(', '), ''] : []),
    '| label | count |',
    '|---|---|',
    ...Object.entries(run.data.labelCounts).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '## Results',
    '',
    run.bestStep !== null && run.bestMetric
      ? `Best checkpoint: step ${run.bestStep} (${run.bestMetric.name} = ${fmt(run.bestMetric.value)}); these weights are the ones exported.`
      : `Weights after step ${run.lastStep}.`,
    '',
    ...metricsTable('Validation', run.final?.validation?.metrics),
    ...metricsTable('Test', run.final?.test?.metrics),
    '## Training configuration',
    '',
    `max_length ${run.maxLength}, ${run.totalSteps} optimizer steps, ${run.trainableParameters.toLocaleString('en')} of ${run.parameters.toLocaleString('en')} parameters trained.`,
    '',
    '```json',
    JSON.stringify(c, null, 2),
    '```',
    '',
    '## Use',
    '',
    '```python',
    `from transformers import AutoTokenizer, ${autoClass}`,
    '',
    'path = "."  # the folder this README is in',
    'tokenizer = AutoTokenizer.from_pretrained(path)',
    `model = ${autoClass}.from_pretrained(path)`,
    '```',
    '',
  ];
  return lines.join('\n');
}
