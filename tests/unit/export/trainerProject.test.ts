/** The files of a Trainer project for each kind of run, and what the reproduction inputs hold. */
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../../src/engine/safetensors';
import { buildTrainerProject, type TrainerProjectFile, type TrainerProjectInput } from '../../../src/export/trainer/index';
import { studioOrder } from '../../../src/export/trainer/replay';
import { epochRowOrder, FeatureBatches } from '../../../src/train/batches';
import { resolveTrainConfig, type TrainConfigInput } from '../../../src/train/config';
import { packFeatures, type FeatureRow } from '../../../src/tokenize/features';
import type { Task } from '../../../src/data/types';

const byPath = (files: TrainerProjectFile[]) => new Map(files.map((f) => [f.path, f]));
const text = (files: TrainerProjectFile[], path: string) => byPath(files).get(path)?.text ?? '';
const json = (files: TrainerProjectFile[], path: string) => JSON.parse(text(files, path)) as Record<string, any>;

function project(task: Task, labels: string[], rows: object[], config: TrainConfigInput = {}, extra: Partial<TrainerProjectInput> = {}) {
  return buildTrainerProject({ task, model: 'bert-base-cased', labels, config: resolveTrainConfig(config), maxLength: 128, stride: 32, rows: { train: rows, validation: rows.slice(0, 1) }, ...extra });
}

describe('buildTrainerProject', () => {
  it('classification: script, requirements, config with the mapping, rows, README commands', () => {
    const rows = [{ text: 'good', label: 'pos' }, { text: 'bad', label: 'neg' }];
    const files = project('classification', ['neg', 'pos'], rows, { learningRate: 3e-5, classWeights: { mode: 'auto' } });
    expect(files.map((f) => f.path).sort()).toEqual(
      ['README.md', 'data/train.jsonl', 'data/validation.jsonl', 'requirements.txt', 'same_order.py', 'tasks.py', 'train.py', 'training_config.json'].sort(),
    );
    const cfg = json(files, 'training_config.json');
    expect(cfg).toMatchObject({ task: 'classification', model: 'bert-base-cased', labels: ['neg', 'pos'], max_length: 128, stride: 32 });
    expect(cfg.config.learningRate).toBe(3e-5);
    expect(cfg.training_arguments).toMatchObject({ learning_rate: 3e-5, metric_for_best_model: 'accuracy' });
    expect(cfg.script).toMatchObject({ auto_class: 'AutoModelForSequenceClassification', class_weights: 'balanced' });
    expect(text(files, 'data/train.jsonl').trim().split('\n').map((l) => JSON.parse(l))).toEqual(rows);
    const req = text(files, 'requirements.txt');
    for (const r of ['torch>=1.13', 'transformers>=4.27', 'accelerate', 'scikit-learn']) expect(req).toContain(r);
    expect(req).not.toContain('peft');
    expect(req).not.toContain('seqeval');
    const readme = text(files, 'README.md');
    for (const c of ['python train.py', 'accelerate launch train.py', 'torchrun --nproc_per_node N train.py', '--output_dir']) expect(readme).toContain(c);
    const train = text(files, 'train.py');
    for (const s of ['TrainingArguments(output_dir=output_dir, **values)', 'trainer_arguments(args.output_dir, training_args)', 'EarlyStoppingCallback', 'trainer.save_state()', 'requires_grad_(False)', 'def compute_loss', 'def create_optimizer', '"--same-order"']) {
      expect(train).toContain(s);
    }
    expect(text(files, 'tasks.py')).toContain('def classification_metrics');
  });

  it('multi-label with LoRA: peft required, pos_weight and problem type in the config', () => {
    const rows = [{ text: 'a', labels: ['x'] }, { text: 'b', labels: ['x', 'y'] }];
    const files = project('multilabel', ['x', 'y'], rows, { lora: { rank: 4 }, posWeight: { mode: 'auto' } });
    expect(text(files, 'requirements.txt')).toContain('peft');
    const cfg = json(files, 'training_config.json');
    expect(cfg.script).toMatchObject({ pos_weight: 'auto', lora: { r: 4, lora_alpha: 16 }, model_config: { problem_type: 'multi_label_classification' } });
    expect(cfg.training_arguments.metric_for_best_model).toBe('f1_micro');
  });

  it('QA: span labels, SQuAD metrics, stride in the config', () => {
    const rows = [{ id: 'q1', question: 'Who?', context: 'Ann did.', answers: { text: ['Ann'], answer_start: [0] } }];
    const files = project('qa', [], rows);
    const cfg = json(files, 'training_config.json');
    expect(cfg).toMatchObject({ task: 'qa', labels: [], stride: 32 });
    expect(cfg.training_arguments).toMatchObject({ label_names: ['start_positions', 'end_positions'], metric_for_best_model: 'f1' });
    const tasks = text(files, 'tasks.py');
    for (const s of ['return_overflowing_tokens=True', 'stride=cfg["stride"]', 'n_best=20', 'max_answer_len=30', '"exact_match"']) expect(tasks).toContain(s);
  });

  it('NER: seqeval required, token labels', () => {
    const rows = [{ tokens: ['Ann', 'runs'], ner_tags: ['B-PER', 'O'] }];
    const files = project('ner', ['B-PER', 'O'], rows);
    expect(text(files, 'requirements.txt')).toContain('seqeval');
    expect(json(files, 'training_config.json').script).toMatchObject({ auto_class: 'AutoModelForTokenClassification', label_kind: 'token' });
    expect(text(files, 'tasks.py')).toContain('from seqeval.metrics import');
  });

  it('refuses masked-LM runs', () => {
    expect(() => project('mlm', [], [{ text: 'a' }])).toThrow(/fine-tuning/);
  });
});

describe('reproduction inputs', () => {
  // 11 rows of lengths 3..13: two buckets (16 only here), batches of 4 → 3 per epoch.
  const rows: FeatureRow[] = Array.from({ length: 11 }, (_, i) => {
    const n = 3 + i;
    return { inputIds: Array.from({ length: n }, (_, k) => k + 1), attentionMask: new Array(n).fill(1), tokenTypeIds: new Array(n).fill(0), label: i % 2 };
  });
  const features = packFeatures(rows, 40, 0);

  it("order.json lists FeatureBatches' rows and lengths, whole accumulation groups per epoch", () => {
    const config = resolveTrainConfig({ batchSize: 4, gradientAccumulationSteps: 2, epochs: 3, seed: 5 });
    const order = studioOrder(features, config);
    // 3 batches per epoch, floor(3 / 2) = 1 step each: the trainer takes 2 batches per epoch over 3 epochs.
    expect(order.epochs).toHaveLength(3);
    const batches = new FeatureBatches(features, { batchSize: 4, shuffle: true, seed: 5, labelKind: 'class' });
    order.epochs.forEach((epoch, e) => {
      expect(epoch).toHaveLength(2);
      epoch.forEach((b, i) => {
        const h = batches.batch(e, i);
        expect(b.rows).toEqual(h.rows);
        expect(b.length).toBe(h.T);
      });
    });
    expect(order.epochs[0][0].rows).toEqual(epochRowOrder(11, 5, 0).slice(0, 4));
  });

  it('features and initial weights as safetensors a Python loader reads', () => {
    const initial = new Map([['classifier.weight', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
    const files = project('classification', ['a', 'b'], [{ text: 'x', label: 'a' }], {}, { replay: { train: features, initialWeights: initial } });
    const f = byPath(files);
    const feats = parseSafetensors(f.get('data/features.safetensors')!.bytes!.slice().buffer as ArrayBuffer).tensors;
    expect(feats.get('input_ids')).toMatchObject({ dtype: 'I32', shape: [11, 40] });
    expect(feats.get('labels')).toMatchObject({ dtype: 'I32', shape: [11] });
    expect(feats.has('token_type_ids')).toBe(true);
    const w = parseSafetensors(f.get('data/initial_weights.safetensors')!.bytes!.slice().buffer as ArrayBuffer).tensors.get('classifier.weight')!;
    expect(w).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect(JSON.parse(f.get('data/order.json')!.text!).batch_size).toBe(8);
    expect(text(files, 'README.md')).toContain('--same-order');
  });
});
