/**
 * The README.md model card of an exported run: what it was trained for, on what data, how well it did,
 * with which settings, and how to load it. Pure: run record in, Markdown out.
 */
import type { RunRecord } from '../persist/runs';
import { taskSpec, type TaskSpec } from '../tasks/index';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

function metricsTable(title: string, m: Record<string, number> | undefined): string[] {
  if (!m || !Object.keys(m).length) return [];
  return [`### ${title}`, '', '| metric | value |', '|---|---|', ...Object.entries(m).map(([k, v]) => `| ${k} | ${fmt(v)} |`), ''];
}

/** `spec`: the run's task spec (a toy task's in tests; the registry's otherwise). */
export function modelCard(run: RunRecord, baseModel: string | null, spec: TaskSpec = taskSpec(run.task)): string {
  const c = run.config as Record<string, unknown>;
  const { pipelineTag, autoClass, description } = spec.export;
  const lines = [
    '---',
    'library_name: transformers',
    `pipeline_tag: ${pipelineTag}`,
    ...(baseModel ? [`base_model: ${baseModel}`] : []),
    'tags:',
    '- webgpu-training-studio',
    '---',
    '',
    `# ${run.name}`,
    '',
    `Fine-tuned for **${description}** in the browser with WebGPU Training Studio, from ${baseModel ? `\`${baseModel}\`` : run.modelLabel}.`,
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
