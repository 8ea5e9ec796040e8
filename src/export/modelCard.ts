/**
 * The README.md model card of an exported run: what it was trained for, on what data, how well it did,
 * with which settings, and how to load it. Pure: run record in, Markdown out.
 */
import type { RunRecord } from '../persist/runs';
import { taskSpec, type TaskSpec } from '../tasks/index';
import { safeName } from './zip';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));

function metricsTable(title: string, m: Record<string, number> | undefined): string[] {
  if (!m || !Object.keys(m).length) return [];
  return [`### ${title}`, '', '| metric | value |', '|---|---|', ...Object.entries(m).map(([k, v]) => `| ${k} | ${fmt(v)} |`), ''];
}

/** What the pipeline is called with in the transformers.js snippet, per pipeline tag. */
const JS_CALL: Record<string, string> = {
  'question-answering': "pipe('Who wrote it?', 'It was written by Ada.')",
  'fill-mask': 'pipe(`The capital of France is ${pipe.tokenizer.mask_token}.`)',
};

/** The card's transformers.js snippet: the ONNX export (onnx/model.onnx) from the unzipped folder, read locally. */
function transformersJsSnippet(pipelineTag: string, folder: string): string[] {
  return [
    '```js',
    "import { pipeline } from '@huggingface/transformers';",
    '',
    '// A path starting with ./ is not fetched from the Hub: Node reads it from disk, a page from its own site.',
    "// dtype 'fp32' picks onnx/model.onnx (in the browser transformers.js would otherwise ask for model_quantized.onnx).",
    `const pipe = await pipeline('${pipelineTag}', './${folder}', { dtype: 'fp32' });`,
    `console.log(await ${JS_CALL[pipelineTag] ?? "pipe('Put your text here.')"});`,
    '```',
    '',
  ];
}

/**
 * `spec`: the run's task spec (a toy task's in tests; the registry's otherwise). `onnx`: the zip holds the ONNX
 * export, so the card also shows how transformers.js loads it.
 */
export function modelCard(run: RunRecord, baseModel: string | null, spec: TaskSpec = taskSpec(run.task), opts: { onnx?: boolean } = {}): string {
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
    ...(opts.onnx ? ['In JavaScript (browser or Node) with transformers.js, from the folder that holds this one:', '', ...transformersJsSnippet(pipelineTag, safeName(run.id))] : []),
  ];
  return lines.join('\n');
}
