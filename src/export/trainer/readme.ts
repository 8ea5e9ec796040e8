/** The project's README.md and requirements.txt. */
import type { Task } from '../../data/types';
import type { TrainConfig } from '../../train/config';

export interface ProjectSummary {
  task: Task;
  model: string;
  rows: { train: number; validation: number; test: number };
  /** Whether data/ holds what `--same-order` needs. */
  replay: boolean;
}

/** Lower bounds: what the script was written against (transformers 4.27's Trainer API and metric names). */
export function requirementsTxt(task: Task, config: TrainConfig): string {
  const lines = ['torch>=1.13', 'transformers>=4.27', 'accelerate>=0.17', 'safetensors>=0.3', 'numpy', 'scikit-learn>=1.0'];
  if (config.lora) lines.push('peft>=0.3');
  if (task === 'ner') lines.push('seqeval>=1.2.2');
  return `${lines.join('\n')}\n`;
}

export function readmeMd(s: ProjectSummary): string {
  const replay = s.replay
    ? `
## Same run, step by step

\`python train.py --same-order --compare ../history.jsonl\` feeds the studio's own tokenized training features
(\`data/features.safetensors\`) in the studio's batch order (\`data/order.json\`) to a model that starts from the
studio's initial head weights (\`data/initial_weights.safetensors\`). It needs no tokenizer. With dropout 0 in the
run's config its per-step loss, learning rate and gradient norm equal the studio's \`history.jsonl\` to float32
tolerance; \`--compare\` prints the largest differences, and every step is written to
\`<output_dir>/same_order_history.jsonl\`. It runs in one process, in float32, without evaluation.
`
    : '';
  return `# ${s.task}: ${s.model}, as a Trainer project

The studio's run, ready for a bigger machine: the same data (${s.rows.train} train / ${s.rows.validation} validation /
${s.rows.test} test rows in \`data/\`), the same base model and every hyperparameter of the run
(\`training_config.json\`), trained with \`transformers.Trainer\`.

\`\`\`sh
pip install -r requirements.txt
python train.py                               # one GPU, or the CPU
accelerate launch train.py                    # every GPU of this machine (DDP)
torchrun --nproc_per_node N train.py          # the same with torchrun; no code change between the three
\`\`\`

\`--output_dir DIR\` (default \`output/\`) receives the checkpoints, the final model and \`trainer_state.json\`
(its \`log_history\`: the loss every \`loggingSteps\` steps and each evaluation). \`--model ID_OR_DIR\` starts from
another base model, e.g. a larger one, or from the studio's exported checkpoint to continue its run.
The batch size is per device: on N GPUs an optimizer step sees N times as many rows.

What maps to what: \`training_config.json\` holds the studio's config (\`config\`), the \`TrainingArguments\` it
becomes (\`training_arguments\`) and the options the script applies itself (\`script\`): freezing by
\`requires_grad\`, layer-wise LR decay as optimizer parameter groups, LoRA through \`peft\`, class weights and
pos_weight in a \`compute_loss\` override, early stopping with \`EarlyStoppingCallback\`.
${replay}`;
}
